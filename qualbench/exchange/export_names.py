"""The names and defaults of what can be exported — kept apart from the exporters so the
command line can offer them without loading python-docx, pandas and openpyxl."""

REPORT_PARTS = ("quotes", "codebook", "agreement", "participants", "joint")
TABLES = ("codings", "quotes", "codebook", "participants", "joint")
DEFAULT_MAX_WORDS = 60   # a quote longer than this is trimmed at sentence/word boundaries with [...]
DEFAULT_PER_CODE = 2     # quotes per code in the Word quote table
