"""Charts as PNG, drawn with matplotlib (Agg, no display): the weekly tally (this week beside the
month so far), the monthly grid ranking and /stats.

Chinese needs a CJK font: the configured file, else a regular-weight one fontconfig or matplotlib's
font manager knows (Noto Sans CJK, Source Han Sans, WenQuanYi …). Without one the chart is drawn
with numbered rows and English words (no empty boxes), the names stay in the message text, and one
warning is logged.
"""

from __future__ import annotations

import io
import logging
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import matplotlib
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font

matplotlib.use("Agg")
log = logging.getLogger(__name__)
COLOURS = ("#4285F4", "#34A853", "#DB4437")  # accepted 🟦, completed 🟩, red flags 🟥
RATE_COLOURS = ("#4285F4", "#F4B400", "#34A853")  # response, resolution, satisfaction
CJK_FAMILIES = (
    "Noto Sans CJK",
    "Source Han Sans",
    "WenQuanYi",
    "Droid Sans Fallback",
    "PingFang",
    "Microsoft YaHei",
    "SimHei",
    "Noto Sans SC",
    "Noto Sans TC",
)
ENGLISH_LEGEND = ("accepted", "completed", "red flags")
ENGLISH_RATES = ("response", "resolution", "satisfaction")


@dataclass(frozen=True)
class Bar:
    """One worker's figures: accepted, completed, red flags."""

    label: str
    accepted: int
    completed: int
    flags: int
    number: int = 0  # the row's number in the message text, shown instead of a name that cannot be drawn


@dataclass(frozen=True)
class Panel:
    """One side of a chart: its heading (e.g. this week, with an English one for want of a CJK font)
    and a Bar per row (the same rows, in the same order, on every panel)."""

    heading: str
    bars: list[Bar]
    fallback: str = ""


@dataclass(frozen=True)
class RateRow:
    """A grid's three rates (0..1, None when nothing was measured)."""

    label: str
    response: float | None
    resolution: float | None
    satisfaction: float | None


def _covers_cjk(path: str) -> bool:
    try:
        font = FT2Font(path)
        return all(font.get_char_index(ord(ch)) for ch in "中网格红旗月日")
    except Exception:
        return False


def _fontconfig() -> list[str]:
    """Fonts fontconfig knows for Chinese, regular weight first."""
    if not shutil.which("fc-list"):
        return []
    try:
        out = subprocess.run(
            ["fc-list", ":lang=zh", "-f", "%{file}|%{style}\n"], capture_output=True, text=True, timeout=5
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    found = [line.split("|", 1) for line in out.splitlines() if "|" in line]
    regular = [f for f, style in found if "Regular" in style or "Normal" in style]
    return sorted(set(regular)) + sorted({f for f, _ in found} - set(regular))


def _font_manager() -> list[str]:
    """Regular-weight fonts of known CJK families in matplotlib's own font list."""
    return sorted(
        {
            f.fname
            for f in font_manager.fontManager.ttflist
            if any(f.name.startswith(n) for n in CJK_FAMILIES) and f.weight in (400, "normal", "regular")
        }
    )


@lru_cache(maxsize=8)
def cjk_font(configured: str = "") -> str | None:
    """A font file that can draw Chinese (logged once when there is none)."""
    for path in ([configured] if configured else []) + _fontconfig() + _font_manager():
        if path and _covers_cjk(path):
            return path
    log.warning(
        "no font that can draw Chinese was found: charts number their rows and use English words "
        "(install fonts-noto-cjk, or set [reports] chart_font)"
    )
    return None


@lru_cache(maxsize=8)
def _family(path: str) -> str:
    font_manager.fontManager.addfont(path)
    return font_manager.FontProperties(fname=path).get_name()


def drawable(text: str, font: str | None) -> bool:
    """True if the text can be drawn: any text with a CJK font, ASCII and Latin-1 without one."""
    return font is not None or all(ord(c) < 0x250 or c in "–—·" for c in text)


def _style(font: str | None) -> dict:
    families = [_family(font)] if font else []
    return {
        "font.family": families + ["DejaVu Sans"],
        "font.size": 10,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.unicode_minus": False,
    }


def _png(fig: Figure) -> bytes:
    out = io.BytesIO()
    FigureCanvasAgg(fig).print_png(out)
    return out.getvalue()


def _labels(names: list[str], font: str | None, numbers: list[int] | None = None) -> tuple[list[str], bool]:
    """Row labels: the names, or their numbers (1, 2, 3 … by default) when a name cannot be drawn."""
    if all(drawable(n, font) for n in names):
        return [n if len(n) <= 12 else n[:11] + "…" for n in names], True
    return [str(n) for n in (numbers or range(1, len(names) + 1))], False


def _hbars(ax, labels: list[str], series: Sequence[Sequence[float | None]], colours, texts) -> None:
    """Grouped horizontal bars, one group per row (top to bottom), each bar labelled with its value."""
    rows, n = len(labels), len(series)
    height = 0.8 / n
    for j, (values, colour) in enumerate(zip(series, colours)):
        ys = [i + (j - (n - 1) / 2) * height for i in range(rows)]
        bars = ax.barh(ys, [v or 0 for v in values], height=height * 0.92, color=colour)
        ax.bar_label(bars, labels=[texts(v) for v in values], padding=2, fontsize=8)
    ax.set_yticks(range(rows), labels)
    ax.set_ylim(rows - 0.5, -0.5)
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="x", alpha=0.25)


def _height(rows: int) -> float:
    return 1.5 + 0.42 * max(1, rows)


def tally_png(
    title: str,
    panels: list[Panel],
    legend: Sequence[str],
    font: str | None = None,
    fallback_title: str = "",
) -> tuple[bytes, bool]:
    """Side-by-side panels (e.g. this week, month so far) of accepted / completed / red flags per
    worker; returns (PNG, whether names are drawn: False means the rows are numbered)."""
    names = [b.label for b in panels[0].bars]
    labels, named = _labels(names, font, [b.number or i + 1 for i, b in enumerate(panels[0].bars)])
    legend = legend if all(drawable(x, font) for x in legend) else ENGLISH_LEGEND
    peak = max([1] + [max(b.accepted, b.completed, b.flags) for p in panels for b in p.bars])
    with matplotlib.rc_context(_style(font)):
        fig = Figure(figsize=(3.6 * len(panels) + 1.2, _height(len(names))), layout="constrained")
        axes = fig.subplots(1, len(panels), sharey=True, squeeze=False)[0]
        for ax, panel in zip(axes, panels):
            series = [
                [b.accepted for b in panel.bars],
                [b.completed for b in panel.bars],
                [b.flags for b in panel.bars],
            ]
            _hbars(ax, labels, series, COLOURS, lambda v: str(v) if v else "")
            ax.set_xlim(0, peak * 1.18 + 0.5)
            ax.xaxis.get_major_locator().set_params(integer=True)
            ax.set_title(panel.heading if drawable(panel.heading, font) else panel.fallback, fontsize=10)
        fig.suptitle(title if drawable(title, font) else fallback_title, fontsize=13)
        fig.legend(legend, loc="outside lower center", ncols=3, frameon=False)
        return _png(fig), named


def ranking_png(
    title: str,
    rows: list[RateRow],
    legend: Sequence[str],
    font: str | None = None,
    fallback_title: str = "",
) -> tuple[bytes, bool]:
    """Each grid's three rates as grouped bars (0-100 %), best first; (PNG, whether names are drawn)."""
    labels, named = _labels([r.label for r in rows], font)
    legend = legend if all(drawable(x, font) for x in legend) else ENGLISH_RATES
    series = [
        [None if v is None else round(v * 100) for v in col]
        for col in ([r.response for r in rows], [r.resolution for r in rows], [r.satisfaction for r in rows])
    ]
    with matplotlib.rc_context(_style(font)):
        fig = Figure(figsize=(6.4, _height(len(rows))), layout="constrained")
        ax = fig.subplots()
        _hbars(ax, labels, series, RATE_COLOURS, lambda v: "—" if v is None else f"{v}%")
        ax.set_xlim(0, 118)
        ax.set_xticks([0, 25, 50, 75, 100], ["0", "25%", "50%", "75%", "100%"])
        fig.suptitle(title if drawable(title, font) else fallback_title, fontsize=13)
        fig.legend(legend, loc="outside lower center", ncols=3, frameon=False)
        return _png(fig), named
