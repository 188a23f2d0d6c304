"""qualbench: a keyboard-first terminal workbench for qualitative interview analysis.

>>> import qualbench
>>> p = qualbench.open_project("mystudy")
>>> p.import_files(["transcripts/P01.txt"])
"""
from .errors import QualbenchError
from .project import Project, init_project, open_project

__version__ = "0.1.0"
__all__ = ["Project", "QualbenchError", "init_project", "open_project", "__version__"]
