"""Reads of the events app. The names below are the app's contract with other apps."""

from datacollab.events.selectors.attendance import AttendanceRates, attendance_rates
from datacollab.events.selectors.sessions import visible_sessions

__all__ = ["AttendanceRates", "attendance_rates", "visible_sessions"]
