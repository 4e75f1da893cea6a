"""Charts as server-side SVG: horizontal bars, grouped bars, stacked bars and a funnel.

No JavaScript and nothing fetched, so a chart works offline, in a feed reader, and in the PDF
(WeasyPrint draws inline SVG). Each chart carries a <title> and <desc> for screen readers and
the rows of a data table that pages show beside it (`reports/chart_figure.py`, or the
`|chart_figure` filter; `reports/_chart.html` is the same in a template): the table, not
the picture, is the exact record. Colours are presentation attributes, never `style`, so the
site's content security policy allows them; the palette is Okabe–Ito, readable with the common
colour-vision deficiencies.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

from django.utils.safestring import SafeString, mark_safe

PALETTE = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#999999")
WIDTH = 600
LABEL_WIDTH = 190
VALUE_WIDTH = 110
ROW = 26
BAR = 16
TOP = 10
LEGEND = 24
FONT = 'font-family="DejaVu Sans, Verdana, sans-serif" font-size="12"'
MAX_LABEL = 24
# Text is placed by its baseline: this far below a row's middle centres 12 px glyphs on it.
BASELINE = 4
# A generous average glyph width of the font at 12 px, to lay out legends.
CHAR_WIDTH = 7.5


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    # The value as a reader should see it ("£20,000.00", "3 of 5"); the number if empty.
    text: str = ""

    @property
    def shown(self) -> str:
        return self.text or _number(self.value)


@dataclass(frozen=True)
class Group:
    """One category of a grouped or stacked chart: a value per series, in series order."""

    label: str
    values: tuple[float, ...]
    texts: tuple[str, ...] = ()

    def shown(self, index: int) -> str:
        if index < len(self.texts) and self.texts[index]:
            return self.texts[index]
        return _number(self.values[index])


@dataclass(frozen=True)
class Chart:
    key: str  # unique on the page: the ids of <title> and <desc> derive from it
    title: str
    description: str
    svg: SafeString
    headers: tuple[str, ...]
    rows: list[tuple[str, ...]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.rows


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1].rstrip() + "…"


def _open(key: str, title: str, description: str, height: int) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'aria-labelledby="{escape(key)}-title {escape(key)}-desc">',
        f'<title id="{escape(key)}-title">{escape(title)}</title>',
        f'<desc id="{escape(key)}-desc">{escape(description)}</desc>',
    ]


def _label(y: float, text: str) -> str:
    return (
        f'<text x="{LABEL_WIDTH - 8}" y="{y + BASELINE:.1f}" text-anchor="end" '
        f'fill="#1b1f24" {FONT}>{escape(_short(text))}</text>'
    )


def _bar(x: float, y: float, width: float, height: float, colour: str, tip: str) -> str:
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(width, 0):.1f}" height="{height:.1f}" '
        f'fill="{colour}"><title>{escape(tip)}</title></rect>'
    )


def _value(x: float, y: float, text: str) -> str:
    return (
        f'<text x="{x + 4:.1f}" y="{y + BASELINE:.1f}" fill="#1b1f24" {FONT}>{escape(text)}</text>'
    )


def _legend(series: Sequence[str], y: float) -> tuple[list[str], float]:
    """Swatch and name per series, wrapped onto more lines when wider than the chart.

    Returns the SVG parts and the height they take.
    """
    parts: list[str] = []
    x, line = float(LABEL_WIDTH), 0
    for index, name in enumerate(series):
        width = 16 + CHAR_WIDTH * len(name) + 14
        if x > LABEL_WIDTH and x + width > WIDTH:
            x, line = float(LABEL_WIDTH), line + 1
        top = y + line * LEGEND
        colour = PALETTE[index % len(PALETTE)]
        parts.append(f'<rect x="{x:.1f}" y="{top:.1f}" width="12" height="12" fill="{colour}"/>')
        parts.append(
            f'<text x="{x + 16:.1f}" y="{top + 6 + BASELINE:.1f}" fill="#1b1f24" '
            f"{FONT}>{escape(name)}</text>"
        )
        x += width
    return parts, (line + 1) * LEGEND if series else 0


def _scale(values: Sequence[float], maximum: float | None) -> float:
    top = max([*values, maximum or 0, 0])
    return (WIDTH - LABEL_WIDTH - VALUE_WIDTH) / top if top > 0 else 0.0


def bar_chart(
    *,
    key: str,
    title: str,
    description: str,
    bars: Sequence[Bar],
    headers: tuple[str, str],
    maximum: float | None = None,
) -> Chart:
    """One horizontal bar per row, longest = the largest value (or `maximum`, e.g. 100 %)."""
    height = TOP * 2 + ROW * max(len(bars), 1)
    scale = _scale([bar.value for bar in bars], maximum)
    parts = _open(key, title, description, height)
    for index, bar in enumerate(bars):
        y = TOP + index * ROW
        middle = y + ROW / 2
        width = bar.value * scale
        parts.append(_label(middle, bar.label))
        parts.append(
            _bar(LABEL_WIDTH, middle - BAR / 2, width, BAR, PALETTE[0], f"{bar.label}: {bar.shown}")
        )
        parts.append(_value(LABEL_WIDTH + width, middle, bar.shown))
    parts.append("</svg>")
    return Chart(
        key=key,
        title=title,
        description=description,
        svg=mark_safe("".join(parts)),  # every text above went through escape()
        headers=headers,
        rows=[(bar.label, bar.shown) for bar in bars],
    )


def grouped_bar_chart(
    *,
    key: str,
    title: str,
    description: str,
    series: Sequence[str],
    groups: Sequence[Group],
    label_header: str,
) -> Chart:
    """For each category, one thin bar per series (e.g. per region: applied, eligible...)."""
    thin = BAR * 0.75
    per_group = thin * len(series) + 10
    legend, legend_height = _legend(series, TOP - 4)
    height = int(TOP * 2 + legend_height + per_group * max(len(groups), 1))
    scale = _scale([value for group in groups for value in group.values], None)
    parts = _open(key, title, description, height) + legend
    for index, group in enumerate(groups):
        y = TOP + legend_height + index * per_group
        parts.append(_label(y + thin * len(series) / 2, group.label))
        for position, name in enumerate(series):
            value = group.values[position]
            top = y + position * thin
            width = value * scale
            colour = PALETTE[position % len(PALETTE)]
            shown = group.shown(position)
            parts.append(
                _bar(LABEL_WIDTH, top, width, thin - 1, colour, f"{group.label}, {name}: {shown}")
            )
            parts.append(_value(LABEL_WIDTH + width, top + thin / 2, shown))
    parts.append("</svg>")
    return Chart(
        key=key,
        title=title,
        description=description,
        svg=mark_safe("".join(parts)),  # every text above went through escape()
        headers=(label_header, *series),
        rows=[(group.label, *(group.shown(i) for i in range(len(series)))) for group in groups],
    )


def stacked_bar_chart(
    *,
    key: str,
    title: str,
    description: str,
    series: Sequence[str],
    groups: Sequence[Group],
    label_header: str,
    totals: Sequence[str] = (),
) -> Chart:
    """One bar per category made of its series end to end (e.g. paid, committed, left)."""
    legend, legend_height = _legend(series, TOP - 4)
    height = int(TOP * 2 + legend_height + ROW * max(len(groups), 1))
    scale = _scale([sum(group.values) for group in groups], None)
    parts = _open(key, title, description, height) + legend
    for index, group in enumerate(groups):
        middle = TOP + legend_height + index * ROW + ROW / 2
        parts.append(_label(middle, group.label))
        x = float(LABEL_WIDTH)
        for position, name in enumerate(series):
            width = group.values[position] * scale
            colour = PALETTE[position % len(PALETTE)]
            tip = f"{group.label}, {name}: {group.shown(position)}"
            parts.append(_bar(x, middle - BAR / 2, width, BAR, colour, tip))
            x += width
        if index < len(totals):
            parts.append(_value(x, middle, totals[index]))
    parts.append("</svg>")
    headers = (label_header, *series)
    rows = [(group.label, *(group.shown(i) for i in range(len(series)))) for group in groups]
    return Chart(
        key=key,
        title=title,
        description=description,
        svg=mark_safe("".join(parts)),  # every text above went through escape()
        headers=headers,
        rows=rows,
    )


def funnel_chart(
    *,
    key: str,
    title: str,
    description: str,
    stages: Sequence[Bar],
    headers: tuple[str, str, str],
) -> Chart:
    """Stages as centred bars, each as wide as its count; the table adds the share of the first."""
    height = TOP * 2 + ROW * max(len(stages), 1)
    area = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    scale = _scale([stage.value for stage in stages], None)
    first = stages[0].value if stages else 0
    parts = _open(key, title, description, height)
    rows: list[tuple[str, ...]] = []
    for index, stage in enumerate(stages):
        middle = TOP + index * ROW + ROW / 2
        width = stage.value * scale
        share = f"{round(100 * stage.value / first)} %" if first else "–"
        parts.append(_label(middle, stage.label))
        parts.append(
            _bar(
                LABEL_WIDTH + (area - width) / 2,
                middle - BAR / 2,
                width,
                BAR,
                PALETTE[index % len(PALETTE)],
                f"{stage.label}: {stage.shown} ({share})",
            )
        )
        parts.append(_value(LABEL_WIDTH + area, middle, f"{stage.shown} · {share}"))
        rows.append((stage.label, stage.shown, share))
    parts.append("</svg>")
    return Chart(
        key=key,
        title=title,
        description=description,
        svg=mark_safe("".join(parts)),  # every text above went through escape()
        headers=headers,
        rows=rows,
    )
