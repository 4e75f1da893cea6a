"""The Data Collaboration Principles scorecard: indicators computed from the platform.

Each indicator is a share `numerator / denominator` over one collaboration, computed by the
selectors below with a fixed number of queries. Only counts leave this module: the scorecard
is an aggregate and never names a dataset, so it may count datasets the viewer cannot see.
The definitions are documented in docs/guide/collaborations.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext as _

from datacollab.collaborations import selectors as collaboration_selectors
from datacollab.collaborations.models import (
    CollaborationMember,
    DataCollaboration,
    MemberRole,
    Principle,
    SelfAssessment,
)
from datacollab.core.models import AuditEntry
from datacollab.datasets.models import Dataset, DatasetVersion, Spectrum
from datacollab.datasets.services.audit_access import ACTION as ACCESS_ACTION
from datacollab.network.models import Application

RESTRICTED = [Spectrum.CLOSED, Spectrum.NAMED, Spectrum.GROUP]
DATASET_OBJECT_TYPE = Dataset._meta.label_lower
PUBLISH_ACTION = "dataset.version_published"


@dataclass(frozen=True)
class Indicator:
    principle: str
    numerator: int
    denominator: int
    measures: str  # what the share is of, in words
    formula: str  # how it is computed
    details: list[tuple[str, Any]] = field(default_factory=list)

    @property
    def share(self) -> float | None:
        """None when there is nothing to measure (no datasets, no versions...)."""
        return None if self.denominator == 0 else self.numerator / self.denominator

    @property
    def percent(self) -> int | None:
        share = self.share
        return None if share is None else round(share * 100)


@dataclass(frozen=True)
class Row:
    principle: str
    label: str
    indicator: Indicator
    assessment: SelfAssessment | None


def dataset_counts(collaboration: DataCollaboration) -> dict[str, int]:
    """Counts over every dataset of the collaboration, in one query."""
    valid_version = DatasetVersion.objects.filter(dataset=OuterRef("pk"), report__valid=True)
    non_open = ~Q(spectrum=Spectrum.OPEN)
    return (
        Dataset.objects.filter(collaboration=collaboration)
        .annotate(has_valid=Exists(valid_version))
        .aggregate(
            total=Count("pk"),
            open=Count("pk", filter=Q(spectrum=Spectrum.OPEN)),
            licensed=Count("pk", filter=~Q(licence="")),
            usable=Count("pk", filter=~Q(licence="") & Q(has_valid=True)),
            non_open=Count("pk", filter=non_open),
            protected=Count(
                "pk",
                filter=non_open
                & (
                    Q(spectrum__in=RESTRICTED)
                    | Q(agreement__isnull=False)
                    | Q(protection__isnull=False)
                ),
            ),
            # Trusted aggregation (privacy app): disclosure control, and with a privacy unit DP.
            aggregated=Count("pk", filter=non_open & Q(protection__isnull=False)),
            with_dp=Count(
                "pk", filter=non_open & Q(protection__isnull=False) & ~Q(protection__unit="")
            ),
            restricted=Count("pk", filter=Q(spectrum__in=RESTRICTED)),
            with_agreement=Count("pk", filter=non_open & Q(agreement__isnull=False)),
        )
    )


def version_counts(collaboration: DataCollaboration) -> dict[str, int]:
    """Versions of the collaboration's datasets: all, valid, and with their publication audited.

    A publication counts as audited when the log holds `dataset.version_published` for the
    dataset with the same version number and the same checksum as the stored file (written by
    `datasets.services.versions.publish_parquet`). Matched in Python over two queries: JSON key
    comparisons against columns differ between SQLite and PostgreSQL.
    """
    versions = list(
        DatasetVersion.objects.filter(dataset__collaboration=collaboration).values_list(
            "dataset_id", "number", "checksum", "report__valid"
        )
    )
    dataset_ids = sorted({str(dataset_id) for dataset_id, *_rest in versions})
    published = {
        (
            entry.object_id,
            (entry.details or {}).get("version"),
            (entry.details or {}).get("checksum"),
        )
        for entry in AuditEntry.objects.filter(
            action=PUBLISH_ACTION,
            object_type=DATASET_OBJECT_TYPE,
            object_id__in=dataset_ids,
        ).only("object_id", "details")
    }
    return {
        "total": len(versions),
        "valid": sum(1 for *_key, valid in versions if valid is True),
        "audited": sum(
            1
            for dataset_id, number, checksum, _valid in versions
            if (str(dataset_id), number, checksum) in published
        ),
    }


def recorded_reads(collaboration: DataCollaboration) -> int:
    """Reads of the collaboration's non-open data written to the audit log."""
    ids = [
        str(pk)
        for pk in Dataset.objects.filter(collaboration=collaboration).values_list("pk", flat=True)
    ]
    return AuditEntry.objects.filter(
        action=ACCESS_ACTION, object_type=DATASET_OBJECT_TYPE, object_id__in=ids
    ).count()


def member_counts(collaboration: DataCollaboration) -> dict[str, int]:
    """Distinct member organisations, those using the data, those in the Global South."""
    organisations: dict[int, Any] = {}
    users: set[int] = set()
    for member in CollaborationMember.objects.filter(collaboration=collaboration).select_related(
        "organisation"
    ):
        organisations[member.organisation_id] = member.organisation
        if member.role == MemberRole.DATA_USER:
            users.add(member.organisation_id)
    south = {pk for pk, org in organisations.items() if org.is_global_south}
    return {
        "total": len(organisations),
        "data_users": len(users),
        "global_south": len(south),
        "empowered": len(users | south),
    }


def scorecard(collaboration: DataCollaboration) -> list[Row]:
    datasets = dataset_counts(collaboration)
    versions = version_counts(collaboration)
    members = member_counts(collaboration)
    applications = Application.objects.filter(
        collaboration=collaboration, status=Application.Status.SUBMITTED
    ).count()
    indicators = {
        Principle.OPEN: Indicator(
            Principle.OPEN,
            datasets["open"],
            datasets["total"],
            _("datasets at the open level of the Data Spectrum"),
            _("datasets at “open” ÷ all the collaboration's datasets"),
        ),
        Principle.USABLE: Indicator(
            Principle.USABLE,
            datasets["usable"],
            datasets["total"],
            _("datasets with a licence and at least one valid version"),
            _(
                "datasets that name a licence and have a version whose validation report is "
                "valid ÷ all the collaboration's datasets"
            ),
            [
                (_("Datasets with a licence"), datasets["licensed"]),
                (
                    _("Validation pass rate (valid versions ÷ all versions)"),
                    _share_text(versions["valid"], versions["total"]),
                ),
            ],
        ),
        Principle.PRIVATE: Indicator(
            Principle.PRIVATE,
            datasets["protected"],
            datasets["non_open"],
            _("shared datasets that are not open and have a privacy mechanism"),
            _(
                "non-open datasets that are restricted (closed, named or group level), "
                "require accepting an agreement or are queried only through protected "
                "aggregates ÷ all non-open datasets"
            ),
            [
                (_("Restricted (closed, named, group)"), datasets["restricted"]),
                (_("Non-open datasets under an agreement"), datasets["with_agreement"]),
                (
                    _("Protected aggregates (disclosure control)"),
                    datasets["aggregated"],
                ),
                (_("… of which with differential privacy"), datasets["with_dp"]),
            ],
        ),
        Principle.SECURE: Indicator(
            Principle.SECURE,
            versions["audited"],
            versions["total"],
            _("dataset versions whose publication is in the audit log"),
            _(
                "versions of the collaboration's datasets whose publication (same number, same "
                "checksum) is in the hash-chained audit log ÷ all their versions"
            ),
            [
                (
                    _("Reads of non-open data recorded in the audit log"),
                    recorded_reads(collaboration),
                )
            ],
        ),
        Principle.EMPOWERING: Indicator(
            Principle.EMPOWERING,
            members["empowered"],
            members["total"],
            _("member organisations that use the data or are based in the Global South"),
            _(
                "member organisations with the data user role or based in the Global South ÷ "
                "all member organisations"
            ),
            [
                (_("Data users"), members["data_users"]),
                (_("In the Global South"), members["global_south"]),
                (_("Submitted cohort applications"), applications),
            ],
        ),
    }
    assessments = collaboration_selectors.assessments_of(collaboration)
    return [
        Row(
            principle.value, str(principle.label), indicators[principle], assessments.get(principle)
        )
        for principle in Principle
    ]


def _share_text(numerator: int, denominator: int) -> str:
    if denominator == 0:
        return _("no versions yet")
    return _("%(n)d of %(d)d (%(p)d%%)") % {
        "n": numerator,
        "d": denominator,
        "p": round(numerator * 100 / denominator),
    }
