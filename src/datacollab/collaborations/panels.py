"""Extension point: sections that apps above this one add to the collaboration page.

Imports flow core <- organisations <- collaborations <- datasets (and network uses
collaborations), so this app cannot ask for a collaboration's datasets or cohort
applications itself. An app on top (reports) registers a panel here when it starts; the page
renders every registered panel in order. A panel decides itself what the viewer may see.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString

from datacollab.collaborations.models import DataCollaboration

Panel = Callable[[HttpRequest, DataCollaboration], SafeString | str]

_PANELS: dict[str, tuple[int, Panel]] = {}


def register(name: str, panel: Panel, *, order: int = 100) -> None:
    """Add (or replace, by name) a panel; lower `order` renders first."""
    _PANELS[name] = (order, panel)


def render(request: HttpRequest, collaboration: DataCollaboration) -> list[SafeString]:
    """Each panel's HTML (panels render their own templates, escaping as usual)."""
    ordered = sorted(_PANELS.items(), key=lambda item: (item[1][0], item[0]))
    return [SafeString(panel(request, collaboration)) for _name, (_order, panel) in ordered]
