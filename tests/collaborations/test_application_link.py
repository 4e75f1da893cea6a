"""An application may name a data collaboration its organisation belongs to."""

from __future__ import annotations

from decimal import Decimal

import pytest

from datacollab.core.errors import DomainError
from datacollab.network.services.applications import save_draft
from tests import factories
from tests.factories_data import make_collaboration
from tests.network.factories_applications import draft, questions_of

pytestmark = pytest.mark.django_db


def _data(call, **overrides):
    first, second = questions_of(call)
    return {
        "title": "Open water",
        "summary": "We share data.",
        "requested_amount": "15000",
        f"q_{first.pk}": "Flooding",
        f"q_{second.pk}": "4",
        **overrides,
    }


def _save(application, user, **extra):
    return save_draft(
        actor=user,
        application=application,
        title="T",
        summary="",
        requested_amount=Decimal(0),
        answers={},
        **extra,
    )


def test_edit_offers_only_collaborations_of_the_organisation(login, applicant):
    application = draft(factories.make_call(), applicant)
    mine = make_collaboration(name="Ours", members=[(application.organisation, "data_user")])
    make_collaboration(name="Theirs")
    response = login(applicant).get(f"/applications/{application.pk}/edit/")
    assert response.status_code == 200
    field = response.context["form"].fields["collaboration"]
    assert list(field.queryset) == [mine]
    assert 'name="collaboration"' in response.content.decode()


def test_edit_links_a_collaboration(login, applicant):
    call = factories.make_call()
    application = draft(call, applicant)
    mine = make_collaboration(members=[(application.organisation, "data_user")])
    response = login(applicant).post(
        f"/applications/{application.pk}/edit/", _data(call, collaboration=mine.slug)
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.collaboration == mine
    assert list(mine.applications.all()) == [application]


def test_edit_refuses_a_collaboration_the_organisation_is_not_in(login, applicant):
    call = factories.make_call()
    application = draft(call, applicant)
    theirs = make_collaboration()
    response = login(applicant).post(
        f"/applications/{application.pk}/edit/", _data(call, collaboration=theirs.slug)
    )
    assert response.status_code == 400
    application.refresh_from_db()
    assert application.collaboration is None


def test_save_draft_checks_membership_and_keeps_link_when_not_given(applicant):
    application = draft(factories.make_call(), applicant)
    mine = make_collaboration(members=[(application.organisation, "steward")])
    theirs = make_collaboration(name="Theirs")
    with pytest.raises(DomainError) as refused:
        _save(application, applicant, collaboration=theirs)
    assert (refused.value.field, refused.value.message) == (
        "collaboration",
        f"{application.organisation.name} is not a member of the data collaboration Theirs: "
        "choose one it belongs to.",
    )
    _save(application, applicant, collaboration=mine)
    _save(application, applicant)
    application.refresh_from_db()
    assert application.collaboration == mine
    _save(application, applicant, collaboration=None)
    application.refresh_from_db()
    assert application.collaboration is None
