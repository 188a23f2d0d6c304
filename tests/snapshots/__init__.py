"""Snapshot tests of the workbench screens (pytest-textual-snapshot)."""
