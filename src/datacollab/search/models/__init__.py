from datacollab.search.models.document import Document

__all__ = ["Document"]
