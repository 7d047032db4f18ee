"""Cells of delimited output (TSV/CSV) that a spreadsheet cannot run as formulas."""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
_BREAKS = str.maketrans({"\t": " ", "\r": " ", "\n": " "})


def safe_cell(value: object) -> str:
    """The cell as text; one that a spreadsheet would read as a formula (it starts, after any
    spaces, with = + - @ or a tab or line break) gets a leading apostrophe, shown as text."""
    text = "" if value is None else str(value)
    if text.lstrip(" ").startswith(FORMULA_START):
        text = "'" + text
    return text.translate(_BREAKS)


def delimited_row(cells: list[object] | tuple[object, ...], sep: str = "\t") -> str:
    """One line of delimited output with every cell neutralised and no cell able to split the row."""
    return sep.join(safe_cell(c).replace(sep, " ") for c in cells)
