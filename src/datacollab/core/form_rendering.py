"""One way to render every form: label, hint, input, then its own errors, and a summary on top.

`FORM_RENDERER` points here. The renderer reads the project's templates (TEMPLATES), so
`templates/forms/` and the overrides in `templates/django/forms/` apply to `{{ form }}`,
`{{ form.as_p }}`, `{{ form.as_div }}` and `{{ field.as_field_group }}` alike: no page lays out
its errors by hand. Django itself adds `aria-invalid` and `aria-describedby` (hint and error
ids) to an input with errors.
"""

from __future__ import annotations

from django.forms.renderers import TemplatesSetting


class SiteFormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
