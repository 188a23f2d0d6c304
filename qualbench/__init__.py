"""qualbench: a keyboard-first terminal workbench for qualitative interview analysis.

>>> import qualbench
>>> p = qualbench.open_project("mystudy")
>>> p.import_files(["transcripts/P01.txt"])
"""
from .errors import QualbenchError

__version__ = "0.1.0"
__all__ = ["Project", "QualbenchError", "init_project", "open_project", "__version__"]


def __getattr__(name: str):
    # The project API pulls in pandas, spaCy's helpers and SciPy; importing it only when
    # asked for keeps 'qualbench --help' and the CLI's start quick.
    if name in ("Project", "init_project", "open_project"):
        from . import project
        return getattr(project, name)
    raise AttributeError(f"module 'qualbench' has no attribute {name!r}")
