"""How the services tell a caller how far they are (the commands draw it with rich)."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def stage(self, label: str, total: int | None) -> None: ...

    def advance(self, amount: int = 1) -> None: ...


class Silent:
    def stage(self, label: str, total: int | None) -> None:
        return None

    def advance(self, amount: int = 1) -> None:
        return None
