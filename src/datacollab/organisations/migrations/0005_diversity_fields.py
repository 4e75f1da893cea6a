"""Countries of operation for organisations; countries lived in and languages worked in for
people, private. The free-text `languages` becomes ISO 639-1 codes where a part names a
language of the list, and the rest of the text is kept in `languages_note`."""

from django.db import migrations, models

# A pure data module (no models): the parse is the one the profile page uses.
from datacollab.core.working_languages import parse


def structure_languages(apps, schema_editor):
    User = apps.get_model("organisations", "User")
    for user in User.objects.exclude(languages="").only("pk", "languages"):
        codes, rest = parse(user.languages)
        User.objects.filter(pk=user.pk).update(working_languages=codes, languages_note=rest[:200])


def unstructure_languages(apps, schema_editor):
    User = apps.get_model("organisations", "User")
    for user in User.objects.only("pk", "working_languages", "languages_note"):
        text = ", ".join([*(user.working_languages or []), *filter(None, [user.languages_note])])
        if text:
            User.objects.filter(pk=user.pk).update(languages=text[:200])


class Migration(migrations.Migration):

    dependencies = [
        ('organisations', '0004_person_language'),
    ]

    operations = [
        migrations.AddField(
            model_name='organisation',
            name='operating_countries',
            field=models.JSONField(blank=True, default=list, help_text='ISO 3166-1 alpha-2', verbose_name='countries of operation'),
        ),
        migrations.AddField(
            model_name='user',
            name='languages_note',
            field=models.CharField(blank=True, max_length=200, verbose_name='other languages'),
        ),
        migrations.AddField(
            model_name='user',
            name='residence_countries',
            field=models.JSONField(blank=True, default=list, help_text='ISO 3166-1 alpha-2', verbose_name='countries you live in'),
        ),
        migrations.AddField(
            model_name='user',
            name='working_languages',
            field=models.JSONField(blank=True, default=list, help_text='ISO 639-1', verbose_name='languages you work in'),
        ),
        migrations.RunPython(structure_languages, unstructure_languages),
        migrations.RemoveField(
            model_name='user',
            name='languages',
        ),
    ]
