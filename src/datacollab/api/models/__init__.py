from datacollab.api.models.tokens import ApiToken

__all__ = ["ApiToken"]
