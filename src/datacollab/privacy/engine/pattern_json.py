"""A lattice pattern as plain JSON data, so one computed pattern can be stored and shared.

Pure: the privacy app stores what `to_data` returns and hands `from_data` what it stored.
Cell keys and contributors are DuckDB values (text, numbers, timestamps, dates); those JSON
has no type for are tagged, so a pattern read back equals the one computed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from datacollab.privacy.engine import lattice, sdc
from datacollab.privacy.engine.spec import Protection


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "datetime" in value:
            return dt.datetime.fromisoformat(value["datetime"])
        if "date" in value:
            return dt.date.fromisoformat(value["date"])
        return Decimal(value["decimal"])
    return value


def to_data(pattern: lattice.Pattern) -> dict[str, Any]:
    return {
        "format": lattice.PATTERN_FORMAT,
        "columns": list(pattern.columns),
        "keys": [[_encode(v) for v in key] for key in pattern.keys],
        "stats": [
            [[_encode(c), s.rows, list(s.absolute)] for c, s in cell.items()]
            for cell in pattern.stats
        ],
        "sums": [list(row) for row in pattern.sums],
        "released": sorted([list(level), sorted(members)] for level, members in pattern.released),
    }


def from_data(data: dict[str, Any], protection: Protection) -> lattice.Pattern | None:
    """The stored pattern, or None when it was stored in an older form (compute it again)."""
    if data.get("format") != lattice.PATTERN_FORMAT:
        return None
    stats: list[sdc.CellStats] = [
        {
            _decode(c): sdc.Stats(int(rows), tuple(float(a) for a in absolute))
            for c, rows, absolute in cell
        }
        for cell in data["stats"]
    ]
    return lattice.Pattern(
        dimensions=lattice.dimensions(protection),
        columns=tuple(data["columns"]),
        keys=[tuple(_decode(v) for v in key) for key in data["keys"]],
        stats=stats,
        sums=[[float(v) for v in row] for row in data["sums"]],
        released=frozenset(
            (tuple(level), frozenset(members)) for level, members in data["released"]
        ),
    )
