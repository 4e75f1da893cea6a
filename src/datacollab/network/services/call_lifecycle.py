"""The life of a call, and every rule that depends on where it is in it.

    draft --open--> open --close--> closed --start review--> reviewing --send decisions--> decided

- `open`: the call takes applications from `opens_at` until its deadline. A convener may
  close it early with a stated reason; after the deadline closing needs no reason.
- An `open` call whose deadline has passed takes no applications at once (the deadline is the
  rule, not the status); the move to `closed` is recorded by the first convener step that
  needs a closed call (proposing or confirming a selection, the close page) or by
  `datacollab close-due-calls`, whichever comes first, and audited as a closing "by deadline".
- Named extensions let one organisation edit and submit after the deadline while the call is
  `open` or `closed`, never once it is `reviewing` (a selection was confirmed) or `decided`.
- Selection and decision mails need a call that is `closed` or `reviewing` and no extension
  still running; confirming a selection moves a `closed` call to `reviewing`, sending the
  decision mails moves it to `decided`. Nothing moves back.

Every move is checked here, audited as `call.<move>`, and refused with a readable message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from datacollab.core import audit
from datacollab.core.content_language import localized
from datacollab.core.errors import Conflict, DomainError, NotAllowed, NotFound
from datacollab.network.models import Application, Call, Extension
from datacollab.network.selectors.applications import extension_for, format_in_zone
from datacollab.network.selectors.setup import problems_before_opening
from datacollab.organisations.models import Organisation
from datacollab.organisations.rules import is_convener

Status = Call.Status

# status -> {move name: status it leads to}; the only moves there are.
MOVES: dict[str, dict[str, str]] = {
    Status.DRAFT: {"open": Status.OPEN},
    Status.OPEN: {"close": Status.CLOSED},
    Status.CLOSED: {"start_review": Status.REVIEWING},
    Status.REVIEWING: {"decide": Status.DECIDED},
    Status.DECIDED: {},
}
AUDIT_ACTIONS = {
    "open": "call.opened",
    "close": "call.closed",
    "start_review": "call.review_started",
    "decide": "call.decided",
}
MOVE_LABELS = {
    "open": gettext_lazy("Open the call"),
    "close": gettext_lazy("Close the call"),
    "start_review": gettext_lazy("Start review and selection"),
    "decide": gettext_lazy("Send the decisions"),
}
TAKES_EXTENSIONS = frozenset({Status.OPEN, Status.CLOSED})


def _require_convener(actor: Any) -> None:
    if not is_convener(actor):
        raise NotAllowed(_("Only conveners can open, close or decide a call."))


def _locked(call: Call) -> Call:
    # The call row guards its status: two conveners' moves queue here.
    return Call.objects.select_for_update().select_related("cohort").get(pk=call.pk)


def _refuse_move(call: Call, move: str) -> None:
    """Raise the readable refusal when `move` is not a move from the call's status."""
    if move in MOVES[call.status]:
        return
    messages = {
        Status.DRAFT: _("“%(call)s” is a draft: open it first."),
        Status.OPEN: _("“%(call)s” is still open: close it first."),
        Status.CLOSED: _("“%(call)s” is closed; it cannot be opened again."),
        Status.REVIEWING: _(
            "A selection for “%(call)s” is confirmed; the call cannot be opened or closed again."
        ),
        Status.DECIDED: _("The decisions for “%(call)s” are sent; nothing about it can change."),
    }
    if move == "start_review" and call.status == Status.REVIEWING:
        message = _("“%(call)s” is already in review and selection.")
    elif move == "close" and call.status in (Status.CLOSED, Status.REVIEWING, Status.DECIDED):
        message = _("“%(call)s” is already closed.")
    elif move == "open" and call.status == Status.OPEN:
        message = _("“%(call)s” is already open.")
    else:
        message = messages[Status(call.status)]
    raise Conflict(message % {"call": localized(call, "title")})


def _move(*, actor: Any, call: Call, move: str, details: dict[str, Any], now: datetime) -> Call:
    previous = call.status
    call.status = MOVES[previous][move]
    fields = ["status"]
    if move == "close":
        call.closed_at = now
        call.close_reason = str(details.get("reason", ""))
        fields += ["closed_at", "close_reason"]
    call.save(update_fields=fields)
    audit.record(
        action=AUDIT_ACTIONS[move],
        actor=actor,
        obj=call,
        details={"call": call.slug, "from": previous, "to": call.status, **details},
    )
    return call


# --- reads the pages and the other services use ---------------------------------------------


def is_past_deadline(call: Call, now: datetime | None = None) -> bool:
    return (now or timezone.now()) >= call.deadline


def effective_status(call: Call, now: datetime | None = None) -> str:
    """The status as the rules see it: an `open` call past its deadline is closed."""
    if call.status == Status.OPEN and is_past_deadline(call, now):
        return Status.CLOSED
    return call.status


def check_move(*, actor: Any, call: Call, move: str, now: datetime | None = None) -> None:
    """Raise the refusal the move would meet now, without making it (for confirmation pages).
    A past-deadline `open` call counts as closed, except that closing it is still allowed."""
    _require_convener(actor)
    if move == "close":
        _refuse_move(call, move)
        return
    shadow = Call(
        title=call.title,
        language=call.language,
        translations=call.translations,
        status=effective_status(call, now),
    )
    _refuse_move(shadow, move)


def draft_count(call: Call) -> int:
    return Application.objects.filter(call=call, status=Application.Status.DRAFT).count()


def live_extensions(call: Call, now: datetime | None = None) -> list[Extension]:
    return list(
        Extension.objects.filter(call=call, until__gt=now or timezone.now())
        .select_related("organisation")
        .order_by("until", "id")
    )


@dataclass(frozen=True)
class Move:
    name: str
    label: str
    url_name: str


def allowed_moves(*, actor: Any, call: Call, now: datetime | None = None) -> list[Move]:
    """The moves a page may offer this person now: the same checks the services make."""
    if not is_convener(actor):
        return []
    status = effective_status(call, now)
    moves = []
    if status == Status.DRAFT and not problems_before_opening(call, now):
        moves.append(Move("open", str(MOVE_LABELS["open"]), "call-open"))
    if call.status == Status.OPEN:
        moves.append(Move("close", str(MOVE_LABELS["close"]), "call-close"))
    if status == Status.CLOSED:
        moves.append(Move("start_review", str(MOVE_LABELS["start_review"]), "call-start-review"))
    return moves


# --- applications ----------------------------------------------------------------------------


def require_accepting(call: Call, organisation: Organisation | None, now: datetime) -> None:
    """Refuse unless `organisation` may start, edit or submit an application to `call` now."""
    if call.status == Status.DRAFT:
        raise NotFound(_("This call is not published, so it does not take applications."))
    if call.status in (Status.REVIEWING, Status.DECIDED):
        raise NotAllowed(
            _(
                "“%(call)s” is closed: its cohort is being chosen or has been chosen, so it "
                "takes no more applications."
            )
            % {"call": localized(call, "title")}
        )
    if now < call.opens_at:
        raise NotAllowed(
            _("The call “%(call)s” is not open yet: it opens on %(opens)s.")
            % {
                "call": localized(call, "title"),
                "opens": format_in_zone(call.opens_at, call.timezone),
            }
        )
    if call.status == Status.OPEN and now < call.deadline:
        return
    extension = extension_for(call, organisation) if organisation is not None else None
    if extension is not None and now < extension.until:
        return  # a named extension outlives the deadline and the closing
    if extension is not None and extension.until > call.deadline:
        assert organisation is not None
        raise NotAllowed(
            _(
                "The extension for %(org)s to “%(call)s” ran out on %(until)s; ask the "
                "convener for a new one."
            )
            % {
                "org": organisation.name,
                "call": localized(call, "title"),
                "until": format_in_zone(extension.until, call.timezone),
            }
        )
    if call.status == Status.CLOSED and call.closed_at and call.closed_at < call.deadline:
        raise NotAllowed(
            _("“%(call)s” was closed early on %(when)s: %(reason)s")
            % {
                "call": localized(call, "title"),
                "when": format_in_zone(call.closed_at, call.timezone),
                "reason": call.close_reason,
            }
        )
    raise NotAllowed(
        _("The deadline for “%(call)s” passed on %(deadline)s; ask the convener for an extension.")
        % {
            "call": localized(call, "title"),
            "deadline": format_in_zone(call.deadline, call.timezone),
        }
    )


# --- moves -----------------------------------------------------------------------------------


@transaction.atomic
def open_call(*, actor: Any, call: Call, now: datetime | None = None) -> Call:
    """Publish a draft: from `opens_at` it takes applications until its deadline."""
    now = now or timezone.now()
    _require_convener(actor)
    call = _locked(call)
    _refuse_move(call, "open")
    if call.deadline <= now:
        raise DomainError(
            _("The deadline, %(deadline)s, has passed: set a later deadline before opening.")
            % {"deadline": format_in_zone(call.deadline, call.timezone)},
            field="deadline",
        )
    # The set-up overview's "Ready to open?" list is the rule, not advice: a call with no
    # question or no rubric would take applications nobody can review.
    problems = problems_before_opening(call, now)
    if problems:
        raise DomainError(
            _("“%(call)s” is not ready to open: %(problems)s")
            % {"call": localized(call, "title"), "problems": " ".join(problems)}
        )
    return _move(
        actor=actor,
        call=call,
        move="open",
        details={"opens_at": call.opens_at, "deadline": call.deadline},
        now=now,
    )


@dataclass(frozen=True)
class ClosePreview:
    """What closing now would do: the confirmation page states these."""

    early: bool
    drafts: int
    submitted: int
    extensions: list[Extension]


def close_preview(*, actor: Any, call: Call, now: datetime | None = None) -> ClosePreview:
    _require_convener(actor)
    _refuse_move(call, "close")
    return ClosePreview(
        early=not is_past_deadline(call, now),
        drafts=draft_count(call),
        submitted=Application.objects.filter(
            call=call, status=Application.Status.SUBMITTED
        ).count(),
        extensions=live_extensions(call, now),
    )


@transaction.atomic
def close_call(*, actor: Any, call: Call, reason: str = "", now: datetime | None = None) -> Call:
    """Stop taking applications. Before the deadline a reason is required (it is shown to
    applicants and kept in the audit log); after it, closing only records what the deadline did.
    """
    now = now or timezone.now()
    _require_convener(actor)
    call = _locked(call)
    _refuse_move(call, "close")
    early = not is_past_deadline(call, now)
    reason = " ".join(reason.split())
    if early and not reason:
        raise DomainError(
            _(
                "The deadline, %(deadline)s, has not passed: say why you close the call early. "
                "Applicants see the reason."
            )
            % {"deadline": format_in_zone(call.deadline, call.timezone)},
            field="reason",
        )
    return _move(
        actor=actor,
        call=call,
        move="close",
        details={"early": early, "reason": reason, "drafts": draft_count(call), "by": "convener"},
        now=now,
    )


def close_if_due(*, actor: Any = None, call: Call, now: datetime | None = None) -> Call:
    """Record the closing an `open` call's deadline already made; a no-op otherwise.

    Called inside the services that need a closed call, and by `close-due-calls` (actor None:
    the audit log says "system")."""
    now = now or timezone.now()
    if call.status != Status.OPEN or not is_past_deadline(call, now):
        return call
    with transaction.atomic():
        call = _locked(call)
        if call.status != Status.OPEN:
            return call
        return _move(
            actor=actor,
            call=call,
            move="close",
            details={"early": False, "reason": "", "drafts": draft_count(call), "by": "deadline"},
            now=call.deadline,
        )


def close_due_calls(*, now: datetime | None = None) -> list[Call]:
    """Every `open` call past its deadline, closed; returns those closed now."""
    now = now or timezone.now()
    due = Call.objects.filter(status=Status.OPEN, deadline__lte=now).order_by("deadline", "id")
    return [close_if_due(call=call, now=now) for call in due]


@transaction.atomic
def start_review(*, actor: Any, call: Call, now: datetime | None = None) -> Call:
    """closed -> reviewing: no more applications, even under an extension."""
    now = now or timezone.now()
    _require_convener(actor)
    call = close_if_due(actor=actor, call=call, now=now)
    call = _locked(call)
    _refuse_move(call, "start_review")
    if refusal := decision_refusal(call, now):
        raise Conflict(refusal)
    return _move(actor=actor, call=call, move="start_review", details={}, now=now)


def decision_refusal(call: Call, now: datetime | None = None) -> str:
    """Why selection and decision mails are refused now ("" when allowed). Writes nothing,
    so confirmation pages can show it; a past-deadline `open` call counts as closed."""
    now = now or timezone.now()
    status = effective_status(call, now)
    if status == Status.DRAFT:
        return _("“%(call)s” is a draft: it has no applications to decide on.") % {
            "call": localized(call, "title")
        }
    if status == Status.OPEN:
        return _(
            "“%(call)s” is open until %(deadline)s: applicants may still apply or edit. "
            "Wait for the deadline, or close the call early with a reason, before "
            "selecting or sending decisions."
        ) % {
            "call": localized(call, "title"),
            "deadline": format_in_zone(call.deadline, call.timezone),
        }
    if status == Status.DECIDED:
        return _("The decisions for “%(call)s” are already sent.") % {
            "call": localized(call, "title")
        }
    live = live_extensions(call, now)
    if live:
        return _(
            "%(orgs)s may still submit under an extension until %(until)s; wait until "
            "then, or the selection would leave them out."
        ) % {
            "orgs": ", ".join(e.organisation.name for e in live),
            "until": format_in_zone(live[-1].until, call.timezone),
        }
    return ""


def send_refusal(call: Call) -> str:
    """Decision mails go only after a confirmed selection, i.e. while the call is `reviewing`."""
    if call.status == Status.DECIDED:
        return _("The decisions for “%(call)s” are already sent.") % {
            "call": localized(call, "title")
        }
    if call.status != Status.REVIEWING:
        return _("Confirm a selection for “%(call)s” before sending decisions.") % {
            "call": localized(call, "title")
        }
    return ""


def require_decidable(*, actor: Any, call: Call, now: datetime | None = None) -> Call:
    """For selection and decision mails: the call must be closed (recording a due closing)
    or in review, with no extension still running. Returns the call as stored now."""
    now = now or timezone.now()
    call = _locked(call)  # the caller's copy may predate another convener's move
    refusal = decision_refusal(call, now)
    if refusal:
        raise Conflict(refusal)
    return close_if_due(actor=actor, call=call, now=now)


def enter_review(*, actor: Any, call: Call, now: datetime | None = None) -> Call:
    """Inside confirm_selection: closed -> reviewing if not already there."""
    call = require_decidable(actor=actor, call=call, now=now)
    if call.status == Status.CLOSED:
        call = _move(
            actor=actor, call=call, move="start_review", details={}, now=now or timezone.now()
        )
    return call


def mark_decided(*, actor: Any, call: Call, mails: int, now: datetime | None = None) -> Call:
    """Inside send_decision_mails: reviewing -> decided."""
    call = _locked(call)
    _refuse_move(call, "decide")
    return _move(
        actor=actor, call=call, move="decide", details={"mails": mails}, now=now or timezone.now()
    )
