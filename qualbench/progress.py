"""A rich progress bar on stderr for the CLI's long operations (never on stdout)."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator


@contextmanager
def cli_progress(label: str, enabled: bool = True) -> Iterator:
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn(f"{label} [bold]{{task.description}}"), BarColumn(),
                  MofNCompleteColumn(), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("", total=None)

        def update(done: int, total: int, what: str) -> None:
            bar.update(task, completed=done, total=total, description=what)

        yield update
