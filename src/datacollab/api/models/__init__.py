from datacollab.api.models.tiers import ApiTiers, EnterprisePlan, Tier
from datacollab.api.models.tokens import ApiToken
from datacollab.api.models.usage import QuotaCounter, UsageDay

__all__ = ["ApiTiers", "ApiToken", "EnterprisePlan", "QuotaCounter", "Tier", "UsageDay"]
