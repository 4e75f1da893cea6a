from datacollab.privacy.models.examples import ExampleQuery
from datacollab.privacy.models.ledger import BudgetAccount, LedgerEntry, Release
from datacollab.privacy.models.pattern import LatticePattern
from datacollab.privacy.models.settings import AggregateGrant, ProtectionSettings

__all__ = [
    "AggregateGrant",
    "BudgetAccount",
    "ExampleQuery",
    "LatticePattern",
    "LedgerEntry",
    "ProtectionSettings",
    "Release",
]
