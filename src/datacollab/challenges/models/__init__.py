from datacollab.challenges.models.challenge import Challenge, ChallengeCriterion
from datacollab.challenges.models.judging import Judge, JudgeAssignment, JudgeConflict, JudgeScore
from datacollab.challenges.models.teams import Submission, SubmissionFile, Team

__all__ = [
    "Challenge",
    "ChallengeCriterion",
    "Judge",
    "JudgeAssignment",
    "JudgeConflict",
    "JudgeScore",
    "Submission",
    "SubmissionFile",
    "Team",
]
