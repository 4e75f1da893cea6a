from datacollab.reports.models.cohort_report import CohortReport, ReportSection

__all__ = ["CohortReport", "ReportSection"]
