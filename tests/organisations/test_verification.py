"""Email verification: the signed link, the resend page, and what waits for it (applying,
reviewing, grants made to an address: red team finding 4)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core import signing
from django.test import Client

from datacollab.core.errors import NotAllowed
from datacollab.datasets import rules as dataset_rules
from datacollab.datasets.models import Spectrum
from datacollab.datasets.selectors.access import visible_datasets
from datacollab.datasets.services.access import add_grant
from datacollab.network.models import ExpressionOfInterest, RubricCriterion
from datacollab.network.services import applications as application_services
from datacollab.network.services import stages
from datacollab.network.services.reviews import submit_review
from datacollab.organisations import rules, services
from datacollab.organisations.models import User
from datacollab.organisations.services import verification
from tests import factories
from tests.factories import PASSWORD, make_org, make_user
from tests.factories_data import make_dataset
from tests.network.factories_applications import answer_all, draft
from tests.network.factories_reviews import assign
from tests.network.test_setup_stages import eoi_draft, two_stage_call

pytestmark = pytest.mark.django_db


def _signup(client: Client, email: str, name: str = "Someone") -> None:
    client.post("/accounts/signup/", {"email": email, "display_name": name, "password": PASSWORD})


def test_verify_link_marks_the_address_verified(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _signup(client, "new@example.org")
    link = next(line for line in mailoutbox[0].body.splitlines() if "/accounts/verify/" in line)
    response = client.get(link.replace("http://localhost:8000", ""))
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert rules.has_verified_email(User.objects.get(email="new@example.org")) is True


def test_verify_link_expired_is_refused(client, settings):
    user = make_user(verified=False)
    settings.EMAIL_VERIFICATION_MAX_AGE_HOURS = 1
    with_old_time = signing.TimestampSigner(salt=verification.SALT)
    token = verification.make_token(user)
    # Re-sign the same payload as if made two hours ago.
    payload = with_old_time.unsign(token)
    old = signing.TimestampSigner(salt=verification.SALT)
    old.timestamp = lambda: signing.b62_encode(  # type: ignore[method-assign]
        int(datetime.now(UTC).timestamp()) - 7200
    )
    expired = old.sign(payload)
    response = client.get(f"/accounts/verify/{expired}/")
    assert response.status_code == 400
    assert "not valid or has expired" in response.content.decode()
    user.refresh_from_db()
    assert user.email_verified_at is None


def test_verify_link_for_another_address_is_refused():
    user = make_user(email="before@example.org", verified=False)
    token = verification.make_token(user)
    User.objects.filter(pk=user.pk).update(email="after@example.org")
    with pytest.raises(Exception, match="not valid or has expired"):
        services.verify_email(token=token)


def test_verify_link_tampered_is_refused(client):
    user = make_user(verified=False)
    token = verification.make_token(user)
    assert client.get(f"/accounts/verify/{token[:-2]}xx/").status_code == 400


def test_verify_page_resends_the_link(login, mailoutbox, django_capture_on_commit_callbacks):
    user = make_user(email="late@example.org", verified=False)
    client = login(user)
    assert "is not verified yet" in client.get("/accounts/verify/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/verify/")
    assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [[f"{user.display_name} <late@example.org>"]]


def test_verify_page_resend_when_verified_is_refused(login):
    response = login(make_user()).post("/accounts/verify/")
    assert response.status_code == 409


def test_submit_application_unverified_is_refused(applicant):
    call = factories.make_call(
        opens_at=datetime(2026, 1, 1, tzinfo=UTC), deadline=datetime(2026, 3, 1, tzinfo=UTC)
    )
    User.objects.filter(pk=applicant.pk).update(email_verified_at=None)
    applicant.refresh_from_db()
    application = draft(call, applicant)
    answer_all(application)
    with pytest.raises(NotAllowed, match="Verify your email address first"):
        application_services.submit_application(
            actor=applicant, application=application, now=datetime(2026, 2, 1, tzinfo=UTC)
        )


def test_submit_review_unverified_is_refused_but_a_draft_is_kept():
    call = factories.make_call()
    application = factories.make_application(call=call)
    reviewer = make_user(roles=["reviewer"], verified=False)
    assignment = assign(application, reviewer)
    scores = {c.pk: 3 for c in RubricCriterion.objects.filter(call=call)}
    draft_review = submit_review(
        actor=reviewer, assignment=assignment, scores=scores, comment="so far", final=False
    )
    with pytest.raises(NotAllowed, match="Verify your email address first"):
        submit_review(actor=reviewer, assignment=assignment, scores=scores, comment="done")
    draft_review.refresh_from_db()
    assert draft_review.submitted_at is None


def test_grant_by_email_claimed_by_an_unverified_signup_gives_no_access(client):
    """Finding 4 replayed: an attacker signs up with the address a dataset owner then grants
    access to; the rows API, the page and the catalog must still refuse them."""
    owner = make_user()
    org = make_org(admins=[owner])
    dataset = make_dataset(owner=org, creator=owner, spectrum=Spectrum.NAMED, listed=False)
    _signup(client, "partner@city.example")
    attacker = User.objects.get(email="partner@city.example")
    add_grant(actor=owner, dataset=dataset, email="partner@city.example")

    assert dataset_rules.is_named_grantee(attacker, dataset) is False
    assert dataset_rules.data_access(attacker, dataset).allowed is False
    assert list(visible_datasets(attacker)) == []
    client.force_login(attacker)
    assert client.get(f"/datasets/{dataset.slug}/").status_code == 404


def test_grant_by_email_takes_effect_once_the_address_is_verified():
    owner = make_user()
    org = make_org(admins=[owner])
    dataset = make_dataset(owner=org, creator=owner, spectrum=Spectrum.NAMED, listed=False)
    partner = make_user(email="partner@city.example", verified=False)
    add_grant(actor=owner, dataset=dataset, email="partner@city.example")
    services.verify_email(token=verification.make_token(partner))
    partner = User.objects.get(pk=partner.pk)
    assert dataset_rules.is_named_grantee(partner, dataset) is True
    assert list(visible_datasets(partner)) == [dataset]


def test_password_reset_proves_the_address(client, mailoutbox):
    user = make_user(email="forgot@example.org", verified=False)
    client.post("/accounts/password-reset/", {"email": "forgot@example.org"})
    link = next(line for line in mailoutbox[0].body.splitlines() if "/password-reset/" in line)
    page = client.get(link.replace("http://localhost:8000", ""), follow=True)
    new_password = "a brand new long passphrase 7"
    response = client.post(
        page.request["PATH_INFO"], {"new_password1": new_password, "new_password2": new_password}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password) is True
    assert user.email_verified_at is not None


def test_verify_page_resend_is_capped_per_address(
    login, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.ACCOUNT_MAIL_LIMIT_PER_EMAIL = 2
    client = login(make_user(email="late@example.org", verified=False))
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            client.post("/accounts/verify/")
    page = client.get("/accounts/verify/").content.decode()
    assert len(mailoutbox) == 2
    assert "already sent late@example.org several links" in page


def test_submit_expression_of_interest_unverified_is_refused(applicant):
    call = two_stage_call()
    User.objects.filter(pk=applicant.pk).update(email_verified_at=None)
    applicant.refresh_from_db()
    application = eoi_draft(call, applicant)

    with pytest.raises(NotAllowed, match="Verify your email address first"):
        stages.submit_expression_of_interest(actor=applicant, application=application)
    assert ExpressionOfInterest.objects.filter(application=application).count() == 0


def test_submit_review_page_unverified_keeps_the_typed_review_and_says_how_to_verify(login):
    call = factories.make_call()
    application = factories.make_application(call=call)
    reviewer = make_user(roles=["reviewer"], verified=False)
    assignment = assign(application, reviewer)
    data = {"comment": "A careful plan; the budget is tight."}
    for criterion in RubricCriterion.objects.filter(call=call):
        data[f"score_{criterion.pk}"] = "3"

    response = login(reviewer).post(f"/reviews/{assignment.pk}/", data)

    html = response.content.decode()
    assert response.status_code == 403
    assert "Verify your email address first: follow the link we mailed you" in html
    assert "A careful plan; the budget is tight.</textarea>" in html
    assert 'name="comment"' in html
