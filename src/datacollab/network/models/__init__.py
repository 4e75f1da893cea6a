from datacollab.network.models.application import Answer, Application
from datacollab.network.models.call import (
    Call,
    CriterionKind,
    EligibilityCriterion,
    Extension,
    Question,
    QuestionKind,
    RubricCriterion,
)
from datacollab.network.models.cohort import Cohort, CohortMembership, Network
from datacollab.network.models.decision import EmailTemplate, OutgoingMail, SelectionProposal
from datacollab.network.models.grant import Award, Instalment
from datacollab.network.models.reminder import ReviewReminder
from datacollab.network.models.review import Review, ReviewAssignment, ReviewerConflict, ReviewScore

__all__ = [
    "Answer",
    "Application",
    "Award",
    "Call",
    "Cohort",
    "CohortMembership",
    "CriterionKind",
    "EligibilityCriterion",
    "EmailTemplate",
    "Extension",
    "Instalment",
    "Network",
    "OutgoingMail",
    "Question",
    "QuestionKind",
    "Review",
    "ReviewAssignment",
    "ReviewReminder",
    "ReviewScore",
    "ReviewerConflict",
    "RubricCriterion",
    "SelectionProposal",
]
