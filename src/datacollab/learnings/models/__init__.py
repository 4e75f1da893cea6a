from datacollab.learnings.models.learning import Learning, Resource, Visibility
from datacollab.learnings.models.tag import Tag

__all__ = ["Learning", "Resource", "Tag", "Visibility"]
