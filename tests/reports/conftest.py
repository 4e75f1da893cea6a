from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from datacollab.events.models import Session
from datacollab.learnings.models import Learning, Visibility
from datacollab.network.models import Application, Cohort
from datacollab.organisations.models import Organisation, User
from tests import factories
from tests.factories_learnings import make_learning, theme
from tests.factories_reports import (
    attend,
    make_award,
    make_collaboration,
    make_member,
    make_person,
    make_session,
)


@dataclass
class CohortWithOutput:
    cohort: Cohort
    kenya: Organisation
    britain: Organisation
    brazil: Organisation
    people: list[User]
    roundtable: Session
    one_to_one: Session
    public: Learning
    governance: Learning
    cohort_only: Learning
    draft: Learning


@pytest.fixture
def output(db) -> CohortWithOutput:
    """A cohort with three members, two sessions, learnings of every kind, grants, attendance."""
    cohort = factories.make_cohort(
        slug="river-data-2027",
        name="River Data 2027",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 6, 30),
    )
    kenya = make_member(cohort, name="Nairobi Water Commons", kind="non_profit", country="KE")
    kenya.description = "We open **river gauge** data."
    kenya.save()
    britain = make_member(cohort, name="Thames Research Lab", kind="research", country="GB")
    brazil = make_member(cohort, name="Dados do Rio", kind="company", country="BR")
    people = [make_person(org) for org in (kenya, britain, brazil)]
    call = factories.make_call(cohort=cohort, open=False)
    application = factories.make_application(
        call=call,
        organisation=kenya,
        user=people[0],
        decision=Application.Decision.SELECTED,
        title="Gauges for all",
    )
    application.collaboration = make_collaboration(kenya, name="Open Rivers Kenya")
    application.save()
    roundtable = make_session(
        cohort,
        title="Roundtable on value and impact",
        theme="Value and impact",
        minutes="## Minutes\n\nWe measured **impact** by counting reuses.\n\nSecond point.",
        contributors=[kenya, britain],
    )
    one_to_one = make_session(cohort, title="Private support call", kind="one_to_one")
    for person in people[:2]:
        attend(roundtable, person)
    attend(roundtable, people[2], attended=False)
    make_award(cohort, kenya, amount="20000.00", paid=1)
    make_award(cohort, britain, amount="10000.00", paid=2)
    public = make_learning(
        cohort=cohort,
        title="Count reuses, not downloads",
        body="Downloads say little about *value*.",
        visibility=Visibility.PUBLIC,
        tags=[theme("value-and-impact")],
        contributors=[kenya, britain],
        session=roundtable,
    )
    governance = make_learning(
        cohort=cohort,
        title="Write the data-sharing agreement first",
        visibility=Visibility.PUBLIC,
        tags=[theme("governance-model"), theme("trust-and-privacy")],
        contributors=[brazil],
    )
    cohort_only = make_learning(
        cohort=cohort, title="Our funder's private plans", visibility=Visibility.COHORT
    )
    draft = make_learning(
        cohort=cohort, title="Half-baked idea", visibility=Visibility.PUBLIC, published=False
    )
    return CohortWithOutput(
        cohort=cohort,
        kenya=kenya,
        britain=britain,
        brazil=brazil,
        people=people,
        roundtable=roundtable,
        one_to_one=one_to_one,
        public=public,
        governance=governance,
        cohort_only=cohort_only,
        draft=draft,
    )
