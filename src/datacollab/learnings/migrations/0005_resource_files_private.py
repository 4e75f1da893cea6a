"""Resource files made private (issue 9, finding 2).

Files stored at the guessable `resources/<year>/<name>` move to
`private/learnings/<random 32-byte token>/<name>`, which no URL serves.
"""

import secrets

from django.core.files.storage import default_storage
from django.db import migrations, models

import datacollab.learnings.models.learning


def move_resource_files(apps, schema_editor):
    Resource = apps.get_model("learnings", "Resource")
    for resource in Resource.objects.exclude(file="").exclude(file__startswith="private/"):
        old = resource.file.name
        name = old.rsplit("/", 1)[-1][-120:] or "upload"
        key = f"private/learnings/{secrets.token_urlsafe(32)}/{name}"
        if default_storage.exists(old):
            with default_storage.open(old, "rb") as handle:
                key = default_storage.save(key, handle)
            default_storage.delete(old)
        resource.file.name = key
        resource.save(update_fields=["file"])


class Migration(migrations.Migration):
    dependencies = [
        ("learnings", "0004_translations_remember_their_originals"),
    ]

    operations = [
        migrations.AlterField(
            model_name="resource",
            name="file",
            field=models.FileField(
                blank=True,
                max_length=300,
                upload_to=datacollab.learnings.models.learning.resource_upload_to,
                verbose_name="file",
            ),
        ),
        # Moving back would make the files guessable again: the reverse leaves them private.
        migrations.RunPython(move_resource_files, migrations.RunPython.noop),
    ]
