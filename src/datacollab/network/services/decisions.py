"""Decision mails: editable templates, drafts a convener reviews, and sending them."""

from __future__ import annotations

from functools import lru_cache, partial
from typing import Any

from django.core.mail import EmailMessage
from django.db import transaction
from django.template import Context, Engine, TemplateDoesNotExist, TemplateSyntaxError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from datacollab.core import audit, languages
from datacollab.core.content_language import localized
from datacollab.core.errors import Conflict, DomainError
from datacollab.core.mail_language import in_language_of
from datacollab.network.models import Application, Call, EmailTemplate, OutgoingMail
from datacollab.network.selectors.feedback import feedback_text
from datacollab.network.selectors.selection import default_template, require_convener
from datacollab.network.services import call_lifecycle
from datacollab.organisations.models import Membership

# The whole context a template sees: plain strings, so a template cannot walk from a
# model to data the applicant should not receive.
PLACEHOLDERS = [
    ("organisation", gettext_lazy("the applicant organisation's name")),
    ("application_title", gettext_lazy("the title of the application")),
    ("call", gettext_lazy("the title of the call")),
    ("cohort", gettext_lazy("the name of the cohort")),
    ("convener", gettext_lazy("the name of the convener who confirmed or edited")),
    ("feedback", gettext_lazy("the review comments chosen for the applicant, without names")),
]
SUBJECT_MAX = 200


@lru_cache(maxsize=1)
def _engine() -> Engine:
    # Plain-text mail: no HTML escaping, no loaders, no tag libraries beyond the built-ins.
    return Engine(autoescape=False, libraries={}, loaders=[])


def render_text(text: str, context: dict[str, str]) -> str:
    try:
        return _engine().from_string(text).render(Context(context, autoescape=False))
    except (TemplateSyntaxError, TemplateDoesNotExist, ValueError, TypeError, KeyError) as exc:
        raise DomainError(
            _(
                "The template could not be rendered: %(error)s. Placeholders look like "
                "{{ organisation }}."
            )
            % {"error": str(exc).rstrip(".")},
            field="body",
        ) from exc


def _render(subject: str, body: str, context: dict[str, str]) -> tuple[str, str]:
    rendered_subject = " ".join(render_text(subject, context).split())
    if not rendered_subject:
        raise DomainError(_("The subject is empty once rendered."), field="subject")
    if len(rendered_subject) > SUBJECT_MAX:
        raise DomainError(
            _("The subject is longer than %(n)d characters once rendered.") % {"n": SUBJECT_MAX},
            field="subject",
        )
    return rendered_subject, render_text(body, context)


def _wording(template: EmailTemplate) -> tuple[str, str]:
    """The template's subject and body in the active language when it is still the default
    wording (in any of the network's languages); a convener's own wording as written."""
    stored = (template.subject, template.body)
    for code in languages.codes():
        with translation.override(code):
            default = default_template(call=template.call, kind=template.kind)
        if stored == (str(default.subject), str(default.body)):
            current = default_template(call=template.call, kind=template.kind)
            return str(current.subject), str(current.body)
    return stored


def render_decision(
    *, application: Application, template: EmailTemplate, convener: Any
) -> tuple[str, str]:
    """A decision mail's subject and body, written in the applicant's language: that of the
    person who made the application, whoever the convener is (issue 14)."""
    with in_language_of(application.created_by):
        subject, body = _wording(template)
        return _render(subject, body, mail_context(application=application, convener=convener))


def mail_context(*, application: Application, convener: Any) -> dict[str, str]:
    call = application.call
    return {
        "organisation": application.organisation.name,
        "application_title": application.title,
        # The call's version in the active language (the applicant's, in render_decision).
        "call": localized(call, "title"),
        "cohort": call.cohort.name,
        "convener": str(convener),
        "feedback": feedback_text(application),
    }


def sample_context(*, call: Call, convener: Any) -> dict[str, str]:
    return {
        "organisation": _("Example Organisation"),
        "application_title": _("Example project"),
        "call": call.title,
        "cohort": call.cohort.name,
        "convener": str(convener),
        "feedback": _("Feedback from the reviewers:\n- Impact: an example comment.\n"),
    }


def _check_draft(mail: OutgoingMail) -> None:
    if mail.status != OutgoingMail.Status.DRAFT:
        raise Conflict(
            # A status label in quotes, never lowercased into the sentence.
            _("This mail is “%(status)s”; only mails awaiting review can be changed.")
            % {"status": mail.get_status_display()}
        )


@transaction.atomic
def ensure_default_templates(*, actor: Any, call: Call) -> dict[str, EmailTemplate]:
    require_convener(actor)
    out: dict[str, EmailTemplate] = {}
    for kind in EmailTemplate.Kind.values:
        default = default_template(call=call, kind=kind)
        out[kind], _created = EmailTemplate.objects.get_or_create(
            call=call, kind=kind, defaults={"subject": default.subject, "body": default.body}
        )
    return out


@transaction.atomic
def update_template(*, actor: Any, call: Call, kind: str, subject: str, body: str) -> EmailTemplate:
    """Save a template after a trial render, and re-draft the unsent mails of its kind."""
    require_convener(actor)
    if kind not in EmailTemplate.Kind.values:
        raise DomainError(_("Unknown kind of decision mail: %(kind)s.") % {"kind": kind})
    _render(subject, body, sample_context(call=call, convener=actor))
    template, _created = EmailTemplate.objects.update_or_create(
        call=call, kind=kind, defaults={"subject": subject, "body": body}
    )
    drafts = list(
        OutgoingMail.objects.select_for_update()
        .filter(application__call=call, kind=kind, status=OutgoingMail.Status.DRAFT)
        .select_related(
            "application__organisation", "application__call__cohort", "application__created_by"
        )
    )
    for mail in drafts:
        assert mail.application is not None  # filtered on application__call above
        mail.subject, mail.body = render_decision(
            application=mail.application, template=template, convener=actor
        )
    OutgoingMail.objects.bulk_update(drafts, ["subject", "body"])
    audit.record(
        action="decision_template.updated",
        actor=actor,
        obj=template,
        details={"kind": kind, "redrafted": [m.pk for m in drafts]},
    )
    return template


def _recipients(applications: list[Application]) -> dict[int, list[str]]:
    by_org: dict[int, set[str]] = {}
    for org_id, email in Membership.objects.filter(
        organisation_id__in={a.organisation_id for a in applications}, user__is_active=True
    ).values_list("organisation_id", "user__email"):
        by_org.setdefault(org_id, set()).add(email)
    return {
        a.pk: sorted(by_org.get(a.organisation_id) or {a.created_by.email}) for a in applications
    }


@transaction.atomic
def draft_decision_mails(*, actor: Any, call: Call) -> list[OutgoingMail]:
    """Draft one mail per decided application that has none awaiting review or sent."""
    require_convener(actor)
    call_lifecycle.require_decidable(actor=actor, call=call)
    templates = ensure_default_templates(actor=actor, call=call)
    applications = list(
        Application.objects.filter(
            call=call,
            status=Application.Status.SUBMITTED,
            decision__in=[Application.Decision.SELECTED, Application.Decision.NOT_SELECTED],
        )
        .exclude(outgoing_mails__status__in=[OutgoingMail.Status.DRAFT, OutgoingMail.Status.SENT])
        .select_related("organisation", "created_by", "call__cohort")
        .order_by("organisation__name", "id")
    )
    recipients = _recipients(applications)
    mails = []
    for app in applications:
        subject, body = render_decision(
            application=app, template=templates[app.decision], convener=actor
        )
        mails.append(
            OutgoingMail(
                application=app,
                kind=app.decision,
                to=recipients[app.pk],
                subject=subject,
                body=body,
            )
        )
    return OutgoingMail.objects.bulk_create(mails)


@transaction.atomic
def update_mail(*, actor: Any, mail: OutgoingMail, subject: str, body: str) -> OutgoingMail:
    require_convener(actor)
    mail = OutgoingMail.objects.select_for_update().get(pk=mail.pk)
    _check_draft(mail)
    subject = " ".join(subject.split())
    if not subject or not body.strip():
        raise DomainError(_("A mail needs a subject and a body."), field="subject")
    mail.subject, mail.body = subject, body
    mail.save(update_fields=["subject", "body"])
    audit.record(
        action="decision_mail.edited",
        actor=actor,
        obj=mail,
        details={"application": mail.application_id},
    )
    return mail


@transaction.atomic
def cancel_mail(*, actor: Any, mail: OutgoingMail) -> OutgoingMail:
    require_convener(actor)
    mail = OutgoingMail.objects.select_for_update().get(pk=mail.pk)
    _check_draft(mail)
    mail.status = OutgoingMail.Status.CANCELLED
    mail.save(update_fields=["status"])
    audit.record(
        action="decision_mail.cancelled",
        actor=actor,
        obj=mail,
        details={"application": mail.application_id},
    )
    return mail


@transaction.atomic
def send_decision_mails(*, actor: Any, call: Call) -> int:
    """Queue every mail awaiting review; each is sent by a task once this commits.

    The call needs a confirmed selection (it is `reviewing`) and moves to `decided`: the
    call page then says it is closed, and no application can be started or changed."""
    from datacollab.network.tasks import send_outgoing_mail

    require_convener(actor)
    call = call_lifecycle.require_decidable(actor=actor, call=call)
    if refusal := call_lifecycle.send_refusal(call):
        raise Conflict(refusal)
    ids = list(
        OutgoingMail.objects.filter(application__call=call, status=OutgoingMail.Status.DRAFT)
        .order_by("id")
        .values_list("pk", flat=True)
    )
    if not ids:
        return 0
    for mail_id in ids:
        transaction.on_commit(partial(send_outgoing_mail.enqueue, mail_id))
    audit.record(
        action="decision_mails.sent",
        actor=actor,
        obj=call,
        details={"mails": ids, "count": len(ids)},
    )
    call_lifecycle.mark_decided(actor=actor, call=call, mails=len(ids))
    return len(ids)


@transaction.atomic
def deliver_mail(*, mail_id: int) -> bool:
    """Send one mail (a decision or a message to a group) if it still awaits sending; a mail
    already sent or cancelled is skipped."""
    mail = OutgoingMail.objects.select_for_update().filter(pk=mail_id).first()
    if mail is None or mail.status != OutgoingMail.Status.DRAFT:
        return False
    EmailMessage(
        subject=mail.subject, body=mail.body, to=mail.to, headers=mail.headers or None
    ).send()
    mail.status = OutgoingMail.Status.SENT
    mail.sent_at = timezone.now()
    mail.save(update_fields=["status", "sent_at"])
    return True
