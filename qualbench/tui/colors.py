"""Colours for codes: stable per code, distinguishable, readable on dark and light themes.

A code keeps its colour for life: the codebook's own ``color`` when it has one, else a
fixed palette indexed by the code's id (never by its position in a list, which would
change every time a code is added). The palette mixes Paul Tol's "bright" and "vibrant"
schemes, chosen to stay apart for the common kinds of colour blindness, with a few
extra hues so twelve neighbouring codes never share one.

Text is never drawn *in* the code colour: the code colour is blended into the theme's
background behind normal text, strongly enough to see and weakly enough that the
theme's text colour stays readable in both dark and light themes.
"""
from __future__ import annotations

from textual.color import Color

from ..model import Code

PALETTE = (
    "#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE", "#AA3377",
    "#EE7733", "#009988", "#CC3311", "#9467BD", "#8C564B", "#E377C2",
)
DARK_TINT = 0.42
LIGHT_TINT = 0.32


def code_color(code: Code) -> Color:
    if code.color:
        try:
            return Color.parse(code.color)
        except Exception:  # a hand-edited codebook with a bad colour keeps the palette one
            pass
    return Color.parse(PALETTE[code.id % len(PALETTE)])


def tint(color: Color, background: Color, dark: bool) -> Color:
    """The code colour as a background behind ordinary text."""
    return background.blend(color, DARK_TINT if dark else LIGHT_TINT)
