"""Every write of the events app: sessions, invitations, attendance, calendars, 1:1 support."""
