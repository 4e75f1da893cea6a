from datacollab.reports.models.cohort_report import CohortReport, ReportSection
from datacollab.reports.models.report_revision import ReportRevision

__all__ = ["CohortReport", "ReportRevision", "ReportSection"]
