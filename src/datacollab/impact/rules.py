"""Who sees which impact figures, and who moderates stories: small predicates.

Full figures (trends, readers, countries, CSV) go to the people behind the subject: members of
the dataset's owner, of the organisation, of an organisation taking part in the collaboration,
and conveners. Anyone else sees the headline totals of the subject's open datasets only.
"""

from __future__ import annotations

from typing import Any

from datacollab.collaborations.models import DataCollaboration
from datacollab.collaborations.rules import in_collaboration
from datacollab.datasets.models import Dataset
from datacollab.datasets.rules import is_owner
from datacollab.organisations.models import Organisation
from datacollab.organisations.rules import is_convener, is_member


def sees_dataset_in_full(user: Any, dataset: Dataset) -> bool:
    return is_owner(user, dataset) or is_convener(user)


def sees_organisation_in_full(user: Any, organisation: Organisation) -> bool:
    return is_member(user, organisation) or is_convener(user)


def sees_collaboration_in_full(user: Any, collaboration: DataCollaboration) -> bool:
    return in_collaboration(user, collaboration) or is_convener(user)


def can_moderate_stories(user: Any, dataset: Dataset) -> bool:
    """The dataset's owner decides which stories it shows."""
    return is_owner(user, dataset)
