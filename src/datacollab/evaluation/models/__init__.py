from datacollab.evaluation.models.feedback import FeedbackInvitation, SessionFeedback
from datacollab.evaluation.models.survey import Survey, SurveyQuestion, SurveyResponse

__all__ = [
    "FeedbackInvitation",
    "SessionFeedback",
    "Survey",
    "SurveyQuestion",
    "SurveyResponse",
]
