"""Forms parse input; the services decide (empty bodies, membership, mentions)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from datacollab.discussion.models import Channel, EmailPreference
from datacollab.discussion.services.posts import MAX_BODY, MAX_TITLE

BODY_HELP = _(
    "Markdown: **bold**, *italic*, [links](https://example.org), lists, `code`. "
    "Mention someone in this channel as @[Their Name] or @[their@email.org]: they are notified."
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern); the service checks each."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


FILES_HELP = _(
    "Optional, up to 5 files: PDF, images, office documents, CSV, text, Markdown, JSON or ZIP. "
    "Only members of this channel can download them."
)


def files_field() -> MultipleFileField:
    return MultipleFileField(label=_("Attach files"), required=False, help_text=FILES_HELP)


class ThreadForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE, required=False)
    body = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=MAX_BODY,
        required=False,
        help_text=BODY_HELP,
    )
    attachments = files_field()


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=MAX_BODY,
        required=False,
        help_text=BODY_HELP,
    )
    attachments = files_field()


class EditPostForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=MAX_BODY,
        required=False,
        help_text=_(
            "Your earlier text is kept; the conveners can see it. The post shows “edited”."
        ),
    )


class EmailPreferenceForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("Email me"),
        choices=EmailPreference.Mode.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Whatever you choose, a mention of you is mailed at once unless you choose no email."
        ),
    )
    muted_channels = forms.ModelMultipleChoiceField(
        label=_("Channels to leave out of email"),
        queryset=Channel.objects.none(),
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, channels: QuerySet[Channel], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["muted_channels"].queryset = channels  # type: ignore[attr-defined]
