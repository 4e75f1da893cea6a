"""Display names go into mail headers: make existing ones one clean line (finding 9 of the
red team: a name with CR/LF stopped that person's post mails).

The cleaning is copied here (migrations import no app code): control and format characters
other than the zero-width joiners become spaces, whitespace runs collapse, at most 150.
"""

import unicodedata

from django.db import migrations

_KEPT = {"\u200c", "\u200d"}
_BREAKING = {"Cc", "Cf", "Zl", "Zp"}


def _clean(value):
    text = unicodedata.normalize("NFC", value or "")
    text = "".join(
        " " if unicodedata.category(ch) in _BREAKING and ch not in _KEPT else ch for ch in text
    )
    return " ".join(text.split())[:150].strip()


def clean_names(apps, schema_editor):
    User = apps.get_model("organisations", "User")
    for user in User.objects.exclude(display_name="").only("pk", "display_name").iterator():
        cleaned = _clean(user.display_name)
        if cleaned != user.display_name:
            User.objects.filter(pk=user.pk).update(display_name=cleaned)


class Migration(migrations.Migration):
    dependencies = [("organisations", "0002_accounts_verification_profiles_invitations_throttle")]

    operations = [migrations.RunPython(clean_names, migrations.RunPython.noop)]
