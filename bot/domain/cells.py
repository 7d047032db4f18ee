"""Cells for spreadsheets and delimited output: text that a spreadsheet would run as a formula is
neutralised (OWASP "CSV injection"): a leading = + - @, tab or line break (after any spaces, and
their full-width forms) gets a `'` in front. Pure; use it on every value written to a TSV, CSV or
XLSX cell that came from a person.
"""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
FORMULA_STARTS = FORMULA_START
_BREAKS = str.maketrans({"\t": " ", "\r": " ", "\n": " "})


def safe_cell(value: object) -> str:
    """The cell as one line of text, neutralised: for delimited (TSV/CSV) output."""
    text = "" if value is None else str(neutralise(value))
    return text.translate(_BREAKS)


def delimited_row(cells: list[object] | tuple[object, ...], sep: str = "\t") -> str:
    """One line of delimited output with every cell neutralised and no cell able to split the row."""
    return sep.join(safe_cell(c).replace(sep, " ") for c in cells)


def neutralise(value: object) -> object:
    """A cell for a typed, quoted format (XLSX, quoted CSV): numbers, dates and None as they are;
    text that a spreadsheet would read as a formula gets a leading apostrophe (line breaks kept)."""
    if isinstance(value, str) and value.lstrip(" ").startswith(FORMULA_START):
        return "'" + value
    return value


def neutralise_row(values: list[object]) -> list[object]:
    """Every cell of a row through `neutralise`."""
    return [neutralise(v) for v in values]
