from datacollab.impact.models.counters import DailyCount, Kind
from datacollab.impact.models.stories import ImpactStory

__all__ = ["DailyCount", "ImpactStory", "Kind"]
