"""Groups of CLI commands kept outside ``cli.py`` so it stays a short index of commands.

Each module defines plain ``@click.command()`` functions over the Project API, reusing
``PROJECT_OPTION``, ``friendly_errors`` and ``_open`` from :mod:`qualbench.cli`; ``cli.py``
registers them at its end with ``from .commands.mixed import ...`` and
``main.add_command(...)``.

The import of :mod:`qualbench.cli` below comes first on purpose: whichever of the two
is imported first, ``cli`` then has its options defined before a command module asks
for them, and the command module is complete before ``cli`` registers its commands.
"""
from .. import cli as _cli  # noqa: F401  (see above)
from .mixed import joint, saturation, summary

__all__ = ["joint", "saturation", "summary"]
