from datacollab.events.models.public import PublicListing, Registration
from datacollab.events.models.session import (
    Attendance,
    Audience,
    CalendarFeed,
    Invitation,
    Session,
    SessionKind,
)
from datacollab.events.models.support import Booking, SupportSlot

__all__ = [
    "Attendance",
    "Audience",
    "Booking",
    "CalendarFeed",
    "Invitation",
    "PublicListing",
    "Registration",
    "Session",
    "SessionKind",
    "SupportSlot",
]
