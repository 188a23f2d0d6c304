"""The Textual workbench. Only this package (and cli.py) may import textual or rich."""
