"""A heat map of a two-dimension result as server-side SVG (like `reports/charts.py`).

No JavaScript; colours are presentation attributes (the content security policy allows
them). The page's result table beside it is the exact record; suppressed cells are drawn
hatched grey, with the rule in their tooltip. A sequential blue scale (light: low, dark:
high) stays readable with the common colour-vision deficiencies.
"""

from __future__ import annotations

from html import escape
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from datacollab.privacy.engine import AggregateResult

FONT = 'font-family="DejaVu Sans, Verdana, sans-serif" font-size="11"'
LOW, HIGH = (239, 243, 255), (8, 48, 107)
LABEL = 130
TOP = 60
CELL_W, CELL_H = 28, 20
MAX_COLUMNS = 60
MAX_ROWS = 80


def _colour(share: float) -> str:
    r, g, b = (round(lo + (hi - lo) * share) for lo, hi in zip(LOW, HIGH, strict=True))
    return f"#{r:02x}{g:02x}{b:02x}"


def _text(value: Any) -> str:
    if value is None:
        return "—"
    return key_text(value)


def key_text(value: Any) -> str:
    """A cell key for people: a day, week or month bucket (midnight UTC) as its date alone.

    Keys are datetimes from the engine and ISO text from a stored (repeated) answer.
    """
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    if len(text) >= 19 and text[10] == "T" and text[11:19] == "00:00:00":
        return text[:10]
    if len(text) >= 16 and text[10] == "T":
        # Buckets are cut in UTC (the engine's time zone): say so.
        return text[:16].replace("T", " ") + (" UTC" if text.endswith("+00:00") else "")
    return text


def heat_map(
    result: AggregateResult,
    measure: str,
    labels: dict[str, str],
    names: dict[str, str] | None = None,
) -> SafeString | None:
    """Rows: the first dimension; columns: the second; colour: `measure`. None if not 2-D.
    `names` gives the columns' readable names (machine label -> name), else the labels."""
    if len(result.dimensions) != 2 or measure not in result.measures:
        return None
    rows = sorted({cell.key[0] for cell in result.cells}, key=_text)
    columns = sorted({cell.key[1] for cell in result.cells}, key=_text)
    if not rows or len(rows) > MAX_ROWS or len(columns) > MAX_COLUMNS:
        return None
    values = [
        float(v)
        for cell in result.cells
        if cell.suppressed is None and (v := cell.values.get(measure)) is not None
    ]
    low, high = (min(values), max(values)) if values else (0.0, 0.0)
    width = LABEL + CELL_W * len(columns) + 10
    height = TOP + CELL_H * len(rows) + 10
    title = _("%(measure)s by %(rows)s and %(columns)s") % {
        "measure": (names or {}).get(measure, measure),
        "rows": (names or {}).get(result.dimensions[0], result.dimensions[0]),
        "columns": (names or {}).get(result.dimensions[1], result.dimensions[1]),
    }
    description = _(
        "Darker is higher, from %(low)s to %(high)s; hatched grey cells are suppressed. "
        "The table below holds every value."
    ) % {"low": f"{low:g}", "high": f"{high:g}"}
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        'aria-labelledby="heat-title heat-desc">',
        f'<title id="heat-title">{escape(title)}</title>',
        f'<desc id="heat-desc">{escape(description)}</desc>',
        '<defs><pattern id="heat-hatch" width="6" height="6" patternUnits="userSpaceOnUse">'
        '<rect width="6" height="6" fill="#e6e6e6"/>'
        '<path d="M0,6 L6,0" stroke="#999999" stroke-width="1"/></pattern></defs>',
    ]
    for j, column in enumerate(columns):
        x = LABEL + j * CELL_W + CELL_W / 2
        out.append(
            f'<text x="{x:.1f}" y="{TOP - 6}" transform="rotate(-60 {x:.1f} {TOP - 6})" '
            f'fill="#1b1f24" {FONT}>{escape(_text(column)[-10:])}</text>'
        )
    position = {(cell.key[0], cell.key[1]): cell for cell in result.cells}
    for i, row in enumerate(rows):
        y = TOP + i * CELL_H
        out.append(
            f'<text x="{LABEL - 6}" y="{y + CELL_H - 6}" text-anchor="end" fill="#1b1f24" '
            f"{FONT}>{escape(_text(row)[:20])}</text>"
        )
        for j, column in enumerate(columns):
            cell = position.get((row, column))
            if cell is None:
                continue
            x = LABEL + j * CELL_W
            where = f"{_text(row)}, {_text(column)}"
            value = cell.values.get(measure) if cell.suppressed is None else None
            if value is None:
                rule = labels.get(cell.suppressed or "", cell.suppressed or "")
                fill, tip = (
                    "url(#heat-hatch)",
                    f"{where}: " + _("suppressed: %(rule)s") % {"rule": rule},
                )
            else:
                share = (float(value) - low) / (high - low) if high > low else 0.5
                fill, tip = _colour(share), f"{where}: {value}"
            out.append(
                f'<rect x="{x}" y="{y}" width="{CELL_W - 1}" height="{CELL_H - 1}" '
                f'fill="{fill}"><title>{escape(tip)}</title></rect>'
            )
    out.append("</svg>")
    return mark_safe("\n".join(out))
