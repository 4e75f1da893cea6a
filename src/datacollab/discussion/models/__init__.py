from datacollab.discussion.models.channel import Channel, Post, Thread
from datacollab.discussion.models.notification import EmailPreference, Notification

__all__ = ["Channel", "EmailPreference", "Notification", "Post", "Thread"]
