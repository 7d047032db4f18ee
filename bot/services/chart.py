"""The weekly tally's bar chart as a PNG, drawn with Pillow.

Chinese names need a CJK font: the configured path, else one fontconfig knows for Chinese. Without
one the bars are numbered (1, 2, ...) and the text of the post carries the key.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

COLOURS = ((66, 133, 244), (52, 168, 83), (219, 68, 55))  # accepted 🟦, completed 🟩, flags 🟥
KNOWN_PATHS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msyh.ttc",
)


@dataclass(frozen=True)
class Bar:
    """One worker's group of bars: accepted, completed, red flags."""

    label: str
    accepted: int
    completed: int
    flags: int


def _covers_cjk(path: str) -> bool:
    try:
        font = ImageFont.truetype(path, 20)
    except OSError:
        return False
    try:
        # a font without the glyph draws the same "missing" box for different characters
        return font.getmask("中").getbbox() != font.getmask("网").getbbox() or \
            bytes(font.getmask("中")) != bytes(font.getmask("网"))
    except Exception:
        return False


@lru_cache(maxsize=8)
def cjk_font(configured: str = "") -> str | None:
    """A font file that can draw Chinese, or None."""
    candidates = [configured] if configured else []
    if shutil.which("fc-list"):
        try:
            out = subprocess.run(["fc-list", ":lang=zh", "-f", "%{file}\n"], capture_output=True,
                                 text=True, timeout=5).stdout
            candidates += sorted(set(filter(None, out.splitlines())))
        except (OSError, subprocess.SubprocessError):
            pass
    candidates += list(KNOWN_PATHS)
    for path in candidates:
        if path and _covers_cjk(path):
            return path
    return None


def _font(path: str | None, size: int) -> ImageFont.ImageFont:
    if path:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            pass
    try:
        return ImageFont.load_default(size)
    except TypeError:  # Pillow < 10.1
        return ImageFont.load_default()


def _ascii(text: str) -> bool:
    return all(ord(c) < 128 for c in text)


def tally_png(title: str, bars: list[Bar], font_path: str | None = None,
              legend: tuple[str, str, str] = ("accepted", "completed", "flags"),
              ascii_title: str = "") -> tuple[bytes, bool]:
    """The chart; returns (PNG bytes, whether names are drawn: False means bars are numbered)."""
    cjk = font_path is not None
    names_drawn = cjk or all(_ascii(b.label) for b in bars)
    small, big = _font(font_path, 16), _font(font_path, 22)
    group_w, bar_w, margin, top, height = 96, 24, 60, 80, 300
    width = max(480, margin * 2 + group_w * max(1, len(bars)))
    img = Image.new("RGB", (width, top + height + 70), "white")
    draw = ImageDraw.Draw(img)
    draw.text((margin, 16), title if cjk or _ascii(title) else ascii_title, fill="black", font=big)
    if not (cjk or all(_ascii(x) for x in legend)):
        legend = ("accepted", "completed", "red flags")
    x = margin
    for colour, text in zip(COLOURS, legend):
        draw.rectangle((x, 52, x + 14, 66), fill=colour)
        draw.text((x + 20, 50), text, fill="black", font=small)
        x += 30 + int(draw.textlength(text, font=small))
    peak = max([1] + [max(b.accepted, b.completed, b.flags) for b in bars])
    base = top + height
    draw.line((margin - 10, base, width - margin + 10, base), fill=(120, 120, 120), width=2)
    for i, b in enumerate(bars):
        x0 = margin + i * group_w + (group_w - 3 * bar_w) // 2
        for j, (value, colour) in enumerate(zip((b.accepted, b.completed, b.flags), COLOURS)):
            h = int((height - 30) * value / peak)
            x = x0 + j * bar_w
            draw.rectangle((x + 2, base - h, x + bar_w - 2, base), fill=colour)
            label = str(value)
            draw.text((x + (bar_w - draw.textlength(label, font=small)) / 2, base - h - 20), label,
                      fill="black", font=small)
        name = b.label if names_drawn else str(i + 1)
        if draw.textlength(name, font=small) > group_w - 4:
            while name and draw.textlength(name + "…", font=small) > group_w - 4:
                name = name[:-1]
            name += "…"
        draw.text((margin + i * group_w + (group_w - draw.textlength(name, font=small)) / 2, base + 10),
                  name, fill="black", font=small)
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=True)
    return out.getvalue(), names_drawn
