"""Forms of the session pages: they parse input; the services decide."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from datacollab.events.forms.fields import WallClockField, ZonedTimesMixin, zone_choices
from datacollab.events.models import Audience, Invitation, SessionKind
from datacollab.events.selectors.attendance import SheetRow
from datacollab.network.models import Cohort
from datacollab.organisations.models import Organisation, User


class SessionForm(ZonedTimesMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=SessionKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    theme = forms.CharField(label=_("Theme"), max_length=200, required=False)
    audience = forms.ChoiceField(label=_("For"), choices=Audience.choices)
    cohort = forms.ModelChoiceField(
        label=_("Cohort"),
        queryset=Cohort.objects.order_by("-starts_on"),
        to_field_name="slug",
        required=False,
        help_text=_("Needed when the session is for a cohort."),
    )
    starts_at = WallClockField(label=_("Starts at"))
    ends_at = WallClockField(label=_("Ends at"))
    time_zone = forms.ChoiceField(
        label=_("Time zone of these times"),
        choices=zone_choices,
        help_text=_("The organiser's zone. Everyone else sees the times in their own zone."),
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    video_url = forms.URLField(
        label=_("Video link"), required=False, assume_scheme="https", max_length=200
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Markdown."),
    )
    reflective_questions = forms.CharField(
        label=_("Reflective questions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One question per line."),
    )
    contributors = forms.ModelMultipleChoiceField(
        label=_("Primary contributors"),
        queryset=Organisation.objects.none(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Organisations of the cohort that lead the conversation."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contributors"].queryset = (  # type: ignore[attr-defined]
            Organisation.objects.filter(cohort_memberships__isnull=False)
            .distinct()
            .order_by("name")
        )


class NewSessionForm(SessionForm):
    invite_cohort = forms.BooleanField(
        label=_("Invite everyone in the cohort"), required=False, initial=True
    )
    invite_alumni = forms.BooleanField(label=_("Invite every alumnus"), required=False)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Markdown: what was said, decided, and the links shared."),
    )


class RsvpForm(forms.Form):
    response = forms.ChoiceField(
        label=_("Your answer"),
        choices=[
            (Invitation.Response.YES, pgettext_lazy("invitation answer", "Going")),
            (Invitation.Response.MAYBE, pgettext_lazy("invitation answer", "Maybe")),
            (Invitation.Response.NO, pgettext_lazy("invitation answer", "Not going")),
        ],
        widget=forms.RadioSelect,
    )


class InviteForm(forms.Form):
    cohort = forms.ModelChoiceField(
        label=_("Everyone in a cohort"),
        queryset=Cohort.objects.order_by("-starts_on"),
        to_field_name="slug",
        required=False,
    )
    alumni = forms.BooleanField(label=_("Every alumnus"), required=False)
    emails = forms.CharField(
        label=_("Chosen people"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Email addresses of people with an account, one per line or comma-separated."),
    )

    def clean_emails(self) -> list[User]:
        raw = [e.strip().lower() for e in re.split(r"[\s,;]+", self.cleaned_data["emails"] or "")]
        wanted = sorted({e for e in raw if e})
        if len(wanted) > 500:
            raise forms.ValidationError(_("At most 500 people at a time."))
        found = list(User.objects.filter(email__in=wanted, is_active=True))
        missing = sorted(set(wanted) - {user.email for user in found})
        if missing:
            raise forms.ValidationError(
                _("No account has the address %(emails)s.") % {"emails": ", ".join(missing)}
            )
        return found

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not (data.get("cohort") or data.get("alumni") or data.get("emails")):
            raise forms.ValidationError(
                _("Choose whom to invite: a cohort, the alumni or people by email.")
            )
        return data


class AttendanceForm(forms.Form):
    """One "present" checkbox per person of the attendance sheet."""

    def __init__(self, *args: Any, rows: list[SheetRow], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            self.fields[f"present_{row.person.pk}"] = forms.BooleanField(
                label=str(row.person),
                required=False,
                initial=row.attended
                if row.attended is not None
                else row.response == Invitation.Response.YES,
            )

    def rows_with_fields(self) -> list[tuple[SheetRow, forms.BoundField]]:
        return [(row, self[f"present_{row.person.pk}"]) for row in self.rows]

    def attended(self) -> dict[User, bool]:
        return {
            row.person: bool(self.cleaned_data[f"present_{row.person.pk}"]) for row in self.rows
        }


def cohort_filter_choices(cohorts: Iterable[Cohort]) -> list[tuple[str, Any]]:
    return [("", _("All cohorts")), *((c.slug, c.name) for c in cohorts)]
