"""Sentences as codes with parameters, for pure engines that must not import Django.

An engine returns `Reason`s and its own English (for logs, the API and stored records); the
display layer renders the same codes through gettext in the reader's language with
`render_reason`, handing each engine's table of marked messages as `text_of`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

# How a list parameter is joined into the sentence (a parameter's name decides).
LIST_SEPARATORS = {"limits": "; "}


@dataclass(frozen=True)
class Reason:
    """A sentence as a code and its parameters; a parameter may be a Reason, or a list of
    plain values or Reasons."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def as_json(self) -> list[Any]:
        """[code, params], nested Reasons likewise: what a stored proposal keeps."""
        return [self.code, {k: _json(v) for k, v in self.params.items()}]


def _json(value: Any) -> Any:
    if isinstance(value, Reason):
        return value.as_json()
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    return value


def render_reason(
    reason: Reason, text_of: Callable[[str], Any], value_of: Callable[[str, Any], Any]
) -> str:
    """The sentence: `text_of(code)` gives each template (a string, a (singular, plural,
    count parameter) triple, or a lazy plural translation) and `value_of(name, value)`
    each plain value; nested Reasons in a list are rendered alike."""
    params: dict[str, Any] = {}
    for key, value in reason.params.items():
        if isinstance(value, Reason):
            params[key] = render_reason(value, text_of, value_of)
        elif isinstance(value, list | tuple):
            parts = [
                render_reason(v, text_of, value_of) if isinstance(v, Reason) else value_of(key, v)
                for v in value
            ]
            params[key] = LIST_SEPARATORS.get(key, ", ").join(str(p) for p in parts)
        else:
            params[key] = value_of(key, value)
    text = text_of(reason.code)
    if isinstance(text, tuple):
        singular, many, count = text
        text = singular if int(reason.params[count]) == 1 else many
    return str(text % params)


def reason_from_json(stored: Any) -> Reason:
    """A Reason back from a stored [code, params] (nested ones too)."""
    code, params = stored
    return Reason(
        code,
        {
            key: [reason_from_json(v) if _is_stored_reason(v) else v for v in value]
            if isinstance(value, list)
            else value
            for key, value in params.items()
        },
    )


def _is_stored_reason(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 2
        and isinstance(value[0], str)
        and isinstance(value[1], dict)
    )
