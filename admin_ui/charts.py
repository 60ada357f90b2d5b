"""Charts of the report pages, drawn here as SVG: no script, no CDN, nothing to load.

A shop admin's strict policy allows no script from elsewhere, and a chart needs
none: the server draws each as an `<svg role="img">` with a `<title>` and a
`<desc>` that say what it shows, a `<title>` on each bar for the pointer, and the
page puts the same numbers in a table beside it. Colours are presentation
attributes (no style attribute, no stylesheet needed), from the Okabe-Ito palette,
which colour-blind readers tell apart.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

# One colour per canonical reason, the same in every chart and legend.
REASON_COLOURS = {
    "defective": "#D55E00",
    "damaged_in_transit": "#E69F00",
    "wrong_item": "#CC79A7",
    "not_as_described": "#0072B2",
    "size_too_small": "#56B4E9",
    "size_too_large": "#009E73",
    "colour": "#F0E442",
    "style": "#8C6D31",
    "unwanted": "#6E6E6E",
    "other": "#5D3A9B",
    "unknown": "#BDBDBD",
}
BAR = "#005BD3"
INK, GRID = "#1A1A1A", "#D2D5D8"
_ids = itertools.count(1)


@dataclass(frozen=True)
class Segment:
    """Part of a stacked bar: `value` units of `key` (a reason), named `label`."""

    key: str
    label: str
    value: int


@dataclass(frozen=True)
class Column:
    """One stacked bar: a week or month (`label`) and its segments."""

    label: str
    segments: Sequence[Segment]

    @property
    def total(self) -> int:
        """Return the bar's height in units."""
        return sum(segment.value for segment in self.segments)


def colour_of(reason: str) -> str:
    """Return the colour a reason is drawn in."""
    return REASON_COLOURS.get(reason, REASON_COLOURS["unknown"])


def stacked_columns(columns: Sequence[Column], title: str, description: str) -> Markup:
    """Draw one stacked bar per period, a segment per reason, on a labelled unit axis.

    The legend, under the axis, names the reasons drawn, in the order they are stacked.
    """
    width, height, left, bottom, top = 720, 304, 44, 60, 12
    plot_width, plot_height = width - left - 12, height - bottom - top
    ceiling = nice_ceiling(max((column.total for column in columns), default=0))
    slot = plot_width / max(len(columns), 1)
    parts = _axis(ceiling, left, top, plot_width, plot_height)
    every = max(1, round(len(columns) / 12))  # at most about a dozen period labels
    for index, column in enumerate(columns):
        x = left + index * slot + slot * 0.15
        y: float = top + plot_height
        for segment in column.segments:
            size = plot_height * segment.value / ceiling
            y -= size
            tip = f"{column.label} · {segment.label}: {segment.value}"
            parts.append(_rect(x, y, slot * 0.7, size, colour_of(segment.key), tip))
        if index % every == 0:
            parts.append(
                _text(x + slot * 0.35, top + plot_height + 18, column.label, anchor="middle")
            )
    parts += _legend(columns, left, height - 10)
    return _svg(width, height, title, description, parts)


def _legend(columns: Sequence[Column], x: float, y: float) -> list[str]:
    shown = {segment.key: segment.label for column in columns for segment in column.segments}
    parts = []
    for key, label in shown.items():
        parts.append(
            f'<rect x="{x:.1f}" y="{y - 10:.1f}" width="12" height="12" fill="{colour_of(key)}"/>'
        )
        parts.append(_text(x + 16, y, label))
        x += 16 + 7 * len(label) + 16
    return parts


def horizontal_bars(bars: Sequence[tuple[str, int, str]], title: str, description: str) -> Markup:
    """Draw one bar per item, longest first as given: (label, value, text after the bar)."""
    row, left, width = 30, 220, 720
    height = row * max(len(bars), 1) + 12
    ceiling = max((value for _, value, _ in bars), default=0) or 1
    room = width - left - 150
    parts = []
    for index, (label, value, note) in enumerate(bars):
        y = 6 + index * row
        size = room * value / ceiling
        parts.append(_text(left - 8, y + 18, _shorten(label, 32), anchor="end"))
        parts.append(_rect(left, y + 4, size, row - 10, BAR, f"{label}: {value}"))
        parts.append(_text(left + size + 6, y + 18, note))
    return _svg(width, height, title, description, parts)


def nice_ceiling(value: int) -> int:
    """Return the axis' top: 1, 2 or 5 times a power of ten, at least `value` (and 1)."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return max(step * factor, 1)
        step *= 10


def _axis(ceiling: int, left: float, top: float, width: float, height: float) -> list[str]:
    parts = []
    for tick in (0, ceiling // 2 if ceiling % 2 == 0 else None, ceiling):
        if tick is None:
            continue
        y = top + height - height * tick / ceiling
        parts.append(
            f'<line x1="{left:.1f}" y1="{y:.1f}" x2="{left + width:.1f}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(_text(left - 6, y + 4, str(tick), anchor="end"))
    return parts


def _rect(x: float, y: float, width: float, height: float, fill: str, tip: str) -> str:
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(width, 0):.1f}" height="{max(height, 0):.1f}" '
        f'fill="{fill}"><title>{escape(tip)}</title></rect>'
    )


def _text(x: float, y: float, text: str, anchor: str = "start") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="12" '
        f'fill="{INK}">{escape(text)}</text>'
    )


def _shorten(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"


def _svg(width: int, height: int, title: str, description: str, parts: list[str]) -> Markup:
    name = f"chart-{next(_ids)}"
    head = (
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="{name}-title {name}-desc" '
        f'font-family="system-ui, sans-serif">'
        f'<title id="{name}-title">{escape(title)}</title>'
        f'<desc id="{name}-desc">{escape(description)}</desc>'
    )
    return Markup(head + "".join(parts) + "</svg>")  # noqa: S704 (every text is escaped above)
