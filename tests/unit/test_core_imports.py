"""The core never imports textual or rich: only qualbench.tui and qualbench.cli may.

Each module is imported in a fresh interpreter (an import made by an earlier test in
the same process would hide the problem) and ``sys.modules`` is inspected.
"""
from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import qualbench

FACES = ("qualbench.tui", "qualbench.cli", "qualbench.__main__")
FORBIDDEN = ("textual", "rich")


def core_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(qualbench.__path__, "qualbench."):
        if not info.name.startswith(FACES):
            names.append(info.name)
    return sorted(names)


def test_core_modules_exist():
    assert "qualbench.project" in core_modules()
    assert "qualbench.api.search" in core_modules()
    assert not any(m.startswith("qualbench.tui") for m in core_modules())


def test_importing_the_core_does_not_import_textual_or_rich():
    script = (
        "import importlib, json, sys\n"
        f"names = {core_modules()!r}\n"
        "bad = {}\n"
        "for name in names:\n"
        "    before = set(sys.modules)\n"
        "    importlib.import_module(name)\n"
        "    new = {m.split('.')[0] for m in set(sys.modules) - before}\n"
        f"    hit = sorted(new & set({FORBIDDEN!r}))\n"
        "    if hit:\n"
        "        bad[name] = hit\n"
        f"loaded = sorted({{m.split('.')[0] for m in sys.modules}} & set({FORBIDDEN!r}))\n"
        "print(json.dumps({'bad': bad, 'loaded': loaded}))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["bad"] == {}, f"core modules importing textual/rich: {result['bad']}"
    assert result["loaded"] == []


def test_the_command_line_starts_without_the_heavy_libraries():
    """'qualbench --help' and argument errors must answer at once: the CLI module loads
    pandas, SciPy, spaCy, python-docx and Textual only when a command needs them."""
    heavy = ["pandas", "scipy", "spacy", "docx", "openpyxl", "textual", "sqlite_utils"]
    code = ("import json, sys, qualbench.cli; "
            f"print(json.dumps([m for m in {heavy!r} if m in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []
