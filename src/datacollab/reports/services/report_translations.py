"""A cohort report's title and introduction in the network's other languages.

Conveners only, as every edit of the report; audited as `report.translated`. Like an edit,
a translation of a published report reaches the public with the next revision only: the
published one was frozen in every language when it was published.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from datacollab.core import audit
from datacollab.core.content_language import (
    apply_translation,
    check_language,
    clean_translation,
)
from datacollab.network.models import Cohort
from datacollab.reports.models import CohortReport
from datacollab.reports.services.cohort_reports import require_convener


@transaction.atomic
def translate_report(
    *, actor: Any, cohort: Cohort, language: str, texts: Mapping[str, str]
) -> CohortReport:
    """Set the report's `language` version ({"title": ..., "introduction": ...})."""
    require_convener(
        actor,
        _("Only a convener can translate a cohort's output report; ask a convener of the network."),
    )
    language = check_language(language)
    report, _created = CohortReport.objects.select_for_update().get_or_create(cohort=cohort)
    values = clean_translation(report, language=language, values=texts, fields=report.translatable)
    changed = apply_translation(report, language=language, values=values)
    if changed:
        report.updated_by = actor
        report.save()
        audit.record(
            action="report.translated",
            actor=actor,
            obj=report,
            details={"cohort": cohort.slug, "language": language, "changed": changed},
        )
    return report
