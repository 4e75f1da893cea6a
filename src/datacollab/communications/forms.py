from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from datacollab.communications.groups import Group
from datacollab.communications.models import Message


class MessageForm(forms.Form):
    groups = forms.MultipleChoiceField(
        label=_("Write to"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A person in several groups gets one mail. Groups are counted when sent."),
    )
    category = forms.ChoiceField(
        label=_("Kind of message"),
        choices=Message.Category.choices,
        widget=forms.RadioSelect,
        initial=Message.Category.ANNOUNCEMENT,
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "Plain text. Placeholders such as {name} and {organisation} are filled in for "
            "each recipient; the preview lists those this message may use."
        ),
    )

    def __init__(self, *args: Any, groups: list[Group], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["groups"].choices = [(g.key, g.label) for g in groups]  # type: ignore[attr-defined]
