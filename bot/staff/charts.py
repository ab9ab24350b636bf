"""Small charts drawn on the server as SVG: no script, no CDN, readable on a phone.

Each function returns an SVG string whose text is escaped; the page embeds it inline
and it scales to the width of its box (``viewBox`` + ``width=100%``).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

__all__ = ["bar_chart", "column_chart"]

_BAR = "#2f6f8f"
_ACCENT = "#c2410c"
_INK = "#1f2933"
_GRID = "#d9e2ec"


def column_chart(
    points: Sequence[tuple[str, int]],
    *,
    title: str,
    height: int = 220,
    accent_last: bool = False,
    peak: int | None = None,
) -> str:
    """Vertical columns, one per label (e.g. bookings per day); ``peak`` fixes the scale."""
    width = max(320, 28 * len(points) + 60)
    top, bottom, left = 28, 40, 34
    plot_h = height - top - bottom
    peak = peak or max([v for _, v in points] + [1])
    step = (width - left - 10) / max(len(points), 1)
    parts = [
        f'<svg role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for tick in (0, peak // 2, peak):
        y = top + plot_h - plot_h * tick / peak
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - 6}" y2="{y:.1f}" stroke="{_GRID}"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" '
            f'fill="{_INK}">{tick}</text>'
        )
    label_every = max(1, len(points) // 10)
    for index, (label, value) in enumerate(points):
        bar_h = plot_h * value / peak
        x = left + index * step + step * 0.15
        colour = _ACCENT if accent_last and index == len(points) - 1 else _BAR
        parts.append(
            f'<rect x="{x:.1f}" y="{top + plot_h - bar_h:.1f}" width="{step * 0.7:.1f}" '
            f'height="{bar_h:.1f}" fill="{colour}"><title>{escape(label)}：{value}</title></rect>'
        )
        if value:
            parts.append(
                f'<text x="{x + step * 0.35:.1f}" y="{top + plot_h - bar_h - 4:.1f}" '
                f'font-size="10" text-anchor="middle" fill="{_INK}">{value}</text>'
            )
        if index % label_every == 0:
            parts.append(
                f'<text x="{x + step * 0.35:.1f}" y="{height - bottom + 16}" font-size="10" '
                f'text-anchor="middle" fill="{_INK}">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(
    items: Sequence[tuple[str, int]], *, title: str, unit: str = "", limit: int = 10
) -> str:
    """Horizontal bars, largest first (e.g. question classes, cities)."""
    items = sorted(items, key=lambda item: (-item[1], item[0]))[:limit]
    row, label_w, width = 26, 120, 420
    height = max(row * len(items) + 12, 40)
    peak = max([v for _, v in items] + [1])
    parts = [
        f'<svg role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    if not items:
        parts.append(f'<text x="8" y="24" font-size="13" fill="{_INK}">暂无数据</text>')
    for index, (label, value) in enumerate(items):
        y = 6 + index * row
        bar_w = (width - label_w - 50) * value / peak
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 16}" font-size="12" text-anchor="end" '
            f'fill="{_INK}">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{bar_w:.1f}" height="{row - 8}" '
            f'fill="{_BAR}" rx="2"/>'
            f'<text x="{label_w + bar_w + 6:.1f}" y="{y + 16}" font-size="12" '
            f'fill="{_INK}">{value}{escape(unit)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
