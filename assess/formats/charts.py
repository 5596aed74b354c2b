"""Inline SVG charts for the HTML report: pure functions from numbers to SVG text.

Why SVG written by hand: the report must be one self-contained file that loads
nothing (its Content-Security-Policy forbids scripts and remote resources), prints
sharply on paper and renders the same everywhere. A few rectangles and arcs do
that without a charting library. Every piece of text is escaped here, so the
caller may embed the result as markup; the charts carry ``role="img"`` and a
``<title>`` so screen readers announce what they show.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

# Score bands (good / fair / poor) and severities share one palette with the report's CSS.
GOOD = "#2f7d4f"
FAIR = "#c7851a"
POOR = "#c0392b"
TRACK = "#e6e9ef"
INK = "#1f2a37"
MUTED = "#6b7280"
GRID = "#d5d9e0"
SEVERITY_COLOURS: dict[str, str] = {
    "critical": "#9f1d20",
    "high": "#d4561c",
    "medium": "#c7851a",
    "low": "#3b6fb6",
    "info": "#7a8594",
}
FONT = "font-family=\"'Segoe UI', 'Helvetica Neue', Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif\""


def score_colour(score: float | None) -> str:
    """The band colour of a 0-100 score: the same thresholds as the report's grade badges."""
    if score is None:
        return MUTED
    if score >= 80:
        return GOOD
    if score >= 60:
        return FAIR
    return POOR


def _text(value: str) -> str:
    return escape(value, quote=True)


def _num(value: float) -> str:
    """Coordinates with two decimals at most, so the output is short and byte-stable."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def gauge(score: float | None, *, value_text: str, caption: str, title: str) -> str:
    """A half-circle gauge of the overall score (0-100), the score in its middle.

    `value_text` is the number as the reader should see it (already localised),
    `caption` the line under it (e.g. "out of 100 · grade C") and `title` the
    accessible description.
    """
    cx, cy, radius, width = 120.0, 118.0, 92.0, 22.0
    share = 0.0 if score is None else max(0.0, min(100.0, score)) / 100.0

    def point(fraction: float) -> tuple[str, str]:
        angle = math.pi * (1.0 - fraction)
        return _num(cx + radius * math.cos(angle)), _num(cy - radius * math.sin(angle))

    start_x, start_y = point(0.0)
    end_x, end_y = point(1.0)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart gauge" viewBox="0 0 240 150" width="240" height="150" '
        f'role="img" aria-label="{_text(title)}">',
        f"<title>{_text(title)}</title>",
        f'<path d="M {start_x} {start_y} A {_num(radius)} {_num(radius)} 0 0 1 {end_x} {end_y}" fill="none" '
        f'stroke="{TRACK}" stroke-width="{_num(width)}" stroke-linecap="butt"/>',
    ]
    if share > 0:
        value_x, value_y = point(share)
        parts.append(
            f'<path d="M {start_x} {start_y} A {_num(radius)} {_num(radius)} 0 0 1 {value_x} {value_y}" fill="none" '
            f'stroke="{score_colour(score)}" stroke-width="{_num(width)}" stroke-linecap="butt"/>'
        )
    parts += [
        f'<text x="{_num(cx)}" y="{_num(cy - 14)}" text-anchor="middle" font-size="44" font-weight="700" '
        f'fill="{INK}" {FONT}>{_text(value_text)}</text>',
        f'<text x="{_num(cx)}" y="{_num(cy + 10)}" text-anchor="middle" font-size="13" fill="{MUTED}" {FONT}>'
        f"{_text(caption)}</text>",
        f'<text x="{_num(cx - radius)}" y="{_num(cy + 26)}" text-anchor="middle" font-size="11" fill="{MUTED}" '
        f"{FONT}>0</text>",
        f'<text x="{_num(cx + radius)}" y="{_num(cy + 26)}" text-anchor="middle" font-size="11" fill="{MUTED}" '
        f"{FONT}>100</text>",
        "</svg>",
    ]
    return "".join(parts)


@dataclass(frozen=True)
class Bar:
    """One row of a bar chart."""

    label: str
    value: float | None
    value_text: str
    colour: str


def _bars_start(width: int, height: int, title: str, grid: tuple[int, int, int] | None) -> list[str]:
    """The opening of a bar chart: the svg element, its title, and (label width, plot width,
    top margin) given, a vertical grid line at 0, 25, 50, 75 and 100% of the plot."""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart bars" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{_text(title)}">',
        f"<title>{_text(title)}</title>",
    ]
    if grid is not None:
        label_width, plot_width, top = grid
        for tick in range(5):
            x = label_width + plot_width * tick / 4
            dash = "" if tick == 0 else ' stroke-dasharray="2 3"'
            parts.append(
                f'<line x1="{_num(x)}" y1="{top - 4}" x2="{_num(x)}" y2="{height - top + 4}" stroke="{GRID}" '
                f'stroke-width="1"{dash}/>'
            )
    return parts


def bars(rows: Sequence[Bar], *, maximum: float, title: str, label_width: int = 180, grid: bool = True) -> str:
    """A horizontal bar chart: one row per bar, its label on the left and its value after the bar.

    A row whose value is None has no bar (its `value_text` says why, e.g. "n/a"),
    which keeps "no rule could be decided" visibly apart from a score of 0.
    """
    row_height, bar_height, top = 26, 16, 8
    plot_width, value_width = 340, 56
    width = label_width + plot_width + value_width
    height = top * 2 + row_height * len(rows)
    scale = plot_width / maximum if maximum > 0 else 0.0
    parts = _bars_start(width, height, title, (label_width, plot_width, top) if grid else None)
    for index, row in enumerate(rows):
        y = top + row_height * index
        middle = y + row_height / 2
        parts.append(
            f'<text x="{label_width - 10}" y="{_num(middle + 4)}" text-anchor="end" font-size="12.5" fill="{INK}" '
            f"{FONT}>{_text(row.label)}</text>"
        )
        parts.append(
            f'<rect x="{label_width}" y="{_num(middle - bar_height / 2)}" width="{plot_width}" '
            f'height="{bar_height}" fill="{TRACK}" rx="2"/>'
        )
        if row.value is not None and row.value > 0:
            length = max(2.0, row.value * scale)
            parts.append(
                f'<rect x="{label_width}" y="{_num(middle - bar_height / 2)}" width="{_num(length)}" '
                f'height="{bar_height}" fill="{row.colour}" rx="2"/>'
            )
        parts.append(
            f'<text x="{label_width + plot_width + 8}" y="{_num(middle + 4)}" font-size="12.5" font-weight="600" '
            f'fill="{INK if row.value is not None else MUTED}" {FONT}>{_text(row.value_text)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def step_scores(rows: Sequence[tuple[str, float | None, str]], *, title: str) -> str:
    """Scores per step (label, score 0-100 or None, the score as text), coloured by band."""
    return bars(
        [Bar(label, score, text, score_colour(score)) for label, score, text in rows],
        maximum=100.0,
        title=title,
    )


def severity_counts(rows: Sequence[tuple[str, str, int]], *, title: str) -> str:
    """Findings by severity (severity key, its label, count), in the severity colours."""
    top = max((count for _, _, count in rows), default=0)
    return bars(
        [Bar(label, float(count), str(count), SEVERITY_COLOURS.get(key, MUTED)) for key, label, count in rows],
        maximum=float(max(top, 1)),
        title=title,
        label_width=110,
        grid=False,
    )


def step_changes(rows: Sequence[tuple[str, float | None, float | None, str]], *, title: str) -> str:
    """Scores per step in two versions (label, before, after, the change as text): a thin grey bar
    for before above a band-coloured bar for after, so a reader sees at a glance which steps moved."""
    label_width, plot_width, value_width = 180, 340, 64
    row_height, top = 30, 8
    width = label_width + plot_width + value_width
    height = top * 2 + row_height * len(rows)
    scale = plot_width / 100.0
    parts = _bars_start(width, height, title, (label_width, plot_width, top))
    for index, (label, before, after, change_text) in enumerate(rows):
        y = top + row_height * index
        parts.append(
            f'<text x="{label_width - 10}" y="{_num(y + 19)}" text-anchor="end" font-size="12.5" fill="{INK}" '
            f"{FONT}>{_text(label)}</text>"
        )
        parts.append(f'<rect x="{label_width}" y="{y + 5}" width="{plot_width}" height="6" fill="{TRACK}"/>')
        if before:
            parts.append(
                f'<rect x="{label_width}" y="{y + 5}" width="{_num(max(2.0, before * scale))}" height="6" '
                f'fill="{MUTED}"/>'
            )
        parts.append(f'<rect x="{label_width}" y="{y + 13}" width="{plot_width}" height="12" fill="{TRACK}"/>')
        if after:
            parts.append(
                f'<rect x="{label_width}" y="{y + 13}" width="{_num(max(2.0, after * scale))}" height="12" '
                f'fill="{score_colour(after)}"/>'
            )
        parts.append(
            f'<text x="{label_width + plot_width + 8}" y="{_num(y + 23)}" font-size="12.5" font-weight="600" '
            f'fill="{INK}" {FONT}>{_text(change_text)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
