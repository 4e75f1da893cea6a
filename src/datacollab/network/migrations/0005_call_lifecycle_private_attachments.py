"""The call's life as a state machine, and application attachments made private.

- `published` calls become `decided` (decision mails sent), `reviewing` (a selection
  confirmed), `closed` (deadline passed) or `open`; see network/services/call_lifecycle.py.
- Attachments stored at the guessable `applications/%Y/%m/<name>` move to
  `private/applications/<random 32-byte token>/<name>`, which no URL serves.
"""

import secrets

import datacollab.network.uploads
from django.core.files.storage import default_storage
from django.db import migrations, models
from django.utils import timezone


def statuses_forward(apps, schema_editor):
    Call = apps.get_model("network", "Call")
    OutgoingMail = apps.get_model("network", "OutgoingMail")
    SelectionProposal = apps.get_model("network", "SelectionProposal")
    for call in Call.objects.filter(status="published"):
        if OutgoingMail.objects.filter(application__call=call, status="sent").exists():
            call.status = "decided"
        elif SelectionProposal.objects.filter(call=call, status="confirmed").exists():
            call.status = "reviewing"
        elif call.deadline <= timezone.now():
            call.status = "closed"
        else:
            call.status = "open"
        if call.status != "open":
            call.closed_at = call.deadline
        call.save(update_fields=["status", "closed_at"])


def statuses_backward(apps, schema_editor):
    Call = apps.get_model("network", "Call")
    Call.objects.exclude(status="draft").update(status="published")


def move_attachments(apps, schema_editor):
    Answer = apps.get_model("network", "Answer")
    for answer in Answer.objects.exclude(file="").exclude(file__startswith="private/"):
        old = answer.file.name
        name = old.rsplit("/", 1)[-1][-120:] or "upload"
        key = f"private/applications/{secrets.token_urlsafe(32)}/{name}"
        if default_storage.exists(old):
            with default_storage.open(old, "rb") as handle:
                key = default_storage.save(key, handle)
            default_storage.delete(old)
        answer.file.name = key
        answer.save(update_fields=["file"])


class Migration(migrations.Migration):

    dependencies = [
        ('network', '0004_review_deadline_blind_reminders_feedback'),
    ]

    operations = [
        migrations.AddField(
            model_name='call',
            name='close_reason',
            field=models.CharField(blank=True, default='', max_length=500, verbose_name='reason for closing early'),
        ),
        migrations.AddField(
            model_name='call',
            name='closed_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='closed at'),
        ),
        migrations.AlterField(
            model_name='answer',
            name='file',
            field=models.FileField(blank=True, max_length=255, upload_to=datacollab.network.uploads.application_upload_to),
        ),
        migrations.AlterField(
            model_name='call',
            name='status',
            field=models.CharField(choices=[('draft', 'Draft'), ('open', 'Open'), ('closed', 'Closed'), ('reviewing', 'Reviewing and selecting'), ('decided', 'Decided')], default='draft', max_length=10),
        ),
        migrations.RunPython(statuses_forward, statuses_backward),
        # Moving back would make the files guessable again: the reverse leaves them private.
        migrations.RunPython(move_attachments, migrations.RunPython.noop),
    ]
