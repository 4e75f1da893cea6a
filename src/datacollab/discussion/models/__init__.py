from datacollab.discussion.models.activity import PostAttachment, PostRevision, Reaction, ThreadRead
from datacollab.discussion.models.channel import Channel, Post, Thread
from datacollab.discussion.models.notification import EmailPreference, Notification

__all__ = [
    "Channel",
    "EmailPreference",
    "Notification",
    "Post",
    "PostAttachment",
    "PostRevision",
    "Reaction",
    "Thread",
    "ThreadRead",
]
