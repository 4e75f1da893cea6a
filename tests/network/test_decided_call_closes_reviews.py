"""A decided call's reviews are settled even when no confirmed proposal was stored (calls
decided before proposals were stored, like the demo's 2021 calls): no reviewer is added, by
hand or by the optimiser, and the convener's pages say the reviews are locked."""

from __future__ import annotations

import pytest

from datacollab.core.errors import Conflict
from datacollab.network.models import Call, ReviewAssignment, SelectionProposal
from datacollab.network.services.reviews import assign_manually, assign_reviewers
from tests.factories import make_application, make_call
from tests.network.factories_reviews import make_reviewer

pytestmark = pytest.mark.django_db


def _decided_call_without_a_proposal():
    call = make_call(reviews_per_application=1)
    application = make_application(call=call)
    Call.objects.filter(pk=call.pk).update(status=Call.Status.DECIDED)
    call.refresh_from_db()
    assert not SelectionProposal.objects.filter(call=call).exists()
    return call, application


def test_manual_assignment_on_a_decided_call_without_a_stored_proposal_is_refused(convener):
    _call, application = _decided_call_without_a_proposal()

    with pytest.raises(Conflict):
        assign_manually(actor=convener, application=application, reviewer=make_reviewer())

    assert ReviewAssignment.objects.count() == 0


def test_optimiser_on_a_decided_call_without_a_stored_proposal_is_refused(convener):
    call, _application = _decided_call_without_a_proposal()
    make_reviewer()

    with pytest.raises(Conflict):
        assign_reviewers(actor=convener, call=call)

    assert ReviewAssignment.objects.count() == 0
