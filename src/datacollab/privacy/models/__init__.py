from datacollab.privacy.models.ledger import BudgetAccount, LedgerEntry, Release
from datacollab.privacy.models.pattern import LatticePattern
from datacollab.privacy.models.settings import AggregateGrant, ProtectionSettings

__all__ = [
    "AggregateGrant",
    "BudgetAccount",
    "LatticePattern",
    "LedgerEntry",
    "ProtectionSettings",
    "Release",
]
