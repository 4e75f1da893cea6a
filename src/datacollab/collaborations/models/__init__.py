from datacollab.collaborations.models.agreement import (
    Acceptance,
    Agreement,
    AgreementVersion,
    LicenceId,
)
from datacollab.collaborations.models.collaboration import (
    CollaborationMember,
    DataCollaboration,
    MemberRole,
    Principle,
    SelfAssessment,
)

__all__ = [
    "Acceptance",
    "Agreement",
    "AgreementVersion",
    "CollaborationMember",
    "DataCollaboration",
    "LicenceId",
    "MemberRole",
    "Principle",
    "SelfAssessment",
]
