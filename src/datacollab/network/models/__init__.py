from datacollab.network.models.application import Answer, Application
from datacollab.network.models.call import (
    Call,
    CriterionKind,
    EligibilityCriterion,
    Extension,
    Question,
    QuestionKind,
    QuestionStage,
    RubricCriterion,
)
from datacollab.network.models.cohort import Cohort, CohortMembership, Network
from datacollab.network.models.decision import EmailTemplate, OutgoingMail, SelectionProposal
from datacollab.network.models.direct import DirectApproach, Recommendation
from datacollab.network.models.grant import Award, Instalment
from datacollab.network.models.grant_obligations import (
    AgreementTemplate,
    GrantAgreement,
    ProgressReport,
    ReportFile,
    ReportReminder,
)
from datacollab.network.models.reminder import ReviewReminder
from datacollab.network.models.review import Review, ReviewAssignment, ReviewerConflict, ReviewScore
from datacollab.network.models.stages import ExpressionOfInterest

__all__ = [
    "AgreementTemplate",
    "Answer",
    "Application",
    "Award",
    "Call",
    "Cohort",
    "CohortMembership",
    "CriterionKind",
    "DirectApproach",
    "EligibilityCriterion",
    "EmailTemplate",
    "ExpressionOfInterest",
    "Extension",
    "GrantAgreement",
    "Instalment",
    "Network",
    "OutgoingMail",
    "ProgressReport",
    "Question",
    "QuestionKind",
    "QuestionStage",
    "Recommendation",
    "ReportFile",
    "ReportReminder",
    "Review",
    "ReviewAssignment",
    "ReviewReminder",
    "ReviewScore",
    "ReviewerConflict",
    "RubricCriterion",
    "SelectionProposal",
]
