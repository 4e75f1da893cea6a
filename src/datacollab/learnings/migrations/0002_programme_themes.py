"""The programme's built-in themes (from the peer learning network's roundtables)."""

from django.db import migrations

THEMES = [
    ("value-and-impact", "Value and impact"),
    ("governance-model", "Governance model"),
    ("sustainable-business-model", "Sustainable business model"),
    ("accessibility-to-users", "Accessibility to users"),
    ("trust-and-privacy", "Trust and privacy"),
    ("data-quality", "Data quality"),
    ("diversity-and-inclusion", "Diversity and inclusion"),
]


def add_themes(apps, schema_editor):
    Tag = apps.get_model("learnings", "Tag")
    for slug, name in THEMES:
        Tag.objects.update_or_create(slug=slug, defaults={"name": name, "is_theme": True})


def remove_themes(apps, schema_editor):
    apps.get_model("learnings", "Tag").objects.filter(slug__in=[s for s, _ in THEMES]).delete()


class Migration(migrations.Migration):
    dependencies = [("learnings", "0001_initial")]
    operations = [migrations.RunPython(add_themes, remove_themes)]
