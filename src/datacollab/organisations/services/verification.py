"""Email verification: a signed, expiring link mailed to the person's address.

The token signs the person's id and address with the site's SECRET_KEY, so it stops working
when it expires or when the address changes, and none is stored.
"""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from datacollab.core import audit
from datacollab.core.errors import Conflict, DomainError
from datacollab.core.mail_language import in_language_of
from datacollab.core.text import single_line
from datacollab.organisations.models import User
from datacollab.organisations.names import mailbox
from datacollab.organisations.services import throttle

SALT = "datacollab.organisations.verify-email"


def _max_age() -> timedelta:
    return timedelta(hours=settings.EMAIL_VERIFICATION_MAX_AGE_HOURS)


def make_token(user: User) -> str:
    return signing.dumps({"u": user.pk, "e": user.email}, salt=SALT, compress=True)


def verification_url(user: User) -> str:
    return settings.SITE_URL + reverse("verify-email-confirm", args=[make_token(user)])


def _send(subject: str, body: str, to: str) -> None:
    EmailMessage(subject=single_line(subject), body=body, to=[to]).send()


def mail_verification_link(*, user: User) -> None:
    """Mail the link after the transaction commits (a rolled-back sign-up mails nothing)."""
    with in_language_of(user):
        body = render_to_string(
            "organisations/email/verify.txt",
            {
                "user": user,
                "url": verification_url(user),
                "hours": settings.EMAIL_VERIFICATION_MAX_AGE_HOURS,
                "network_name": settings.NETWORK_NAME,
            },
        )
        subject = _("Verify your email address for %(network)s") % {
            "network": settings.NETWORK_NAME
        }
    transaction.on_commit(partial(_send, subject, body, mailbox(user)))


@transaction.atomic
def verify_email(*, token: str) -> User:
    invalid = _("This verification link is not valid or has expired: log in and ask for a new one.")
    try:
        data = signing.loads(token, salt=SALT, max_age=_max_age())
    except signing.BadSignature as exc:  # also SignatureExpired
        raise DomainError(invalid) from exc
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        raise DomainError(invalid)
    user = User.objects.select_for_update().filter(pk=data["u"], is_active=True).first()
    if user is None or user.email != data.get("e"):
        raise DomainError(invalid)
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
        audit.record(action="person.email_verified", actor=user, obj=user)
    return user


def resend_verification(*, user: User, client_address: str) -> bool:
    """Mail a new link; False when this address has had its share of mail for now."""
    if user.email_verified_at is not None:
        raise Conflict(_("Your email address is already verified."))
    if not throttle.claim_account_mail(address=client_address, email=user.email):
        return False
    with transaction.atomic():
        mail_verification_link(user=user)
    return True


@transaction.atomic
def confirm_address_by_reset(*, user: User) -> User:
    """A password was reset through a link mailed to the address: the address is proved,
    and the failed logins counted against the account are cleared."""
    throttle.record_login_success(email=user.email)
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
        audit.record(action="person.email_verified", actor=user, obj=user, details={"via": "reset"})
    audit.record(action="person.password_reset", actor=user, obj=user)
    return user
