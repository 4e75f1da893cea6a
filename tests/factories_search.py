"""Helpers for search tests: objects of every kind, indexed as the services would index them."""

from __future__ import annotations

from typing import Any

from datacollab.search import index
from tests.factories_data import make_dataset


def indexed(kind: str, obj: Any) -> Any:
    """`obj` with its search entry written (what the owning service does on commit)."""
    index.refresh(kind, obj.pk)
    return obj


def indexed_dataset(**fields: Any) -> Any:
    fields.setdefault("spectrum", "open")
    fields.setdefault("licence", "CC0-1.0")
    return indexed("dataset", make_dataset(**fields))
