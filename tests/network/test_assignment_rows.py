"""The assignments and scores tables' rows written in Python are byte for byte what the
templates' loops wrote (kept here as they were), in several languages and states."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from datacollab.network.models import Review, ReviewAssignment, RubricCriterion
from datacollab.network.review_rows import assignment_rows, score_rows
from datacollab.network.selectors.reviews import assignment_overview, score_table
from tests.factories import make_application, make_call, make_org, make_user
from tests.i18n_catalogue import spanish
from tests.network.factories_reviews import assign, make_review, make_reviewer

pytestmark = pytest.mark.django_db

# call_assignments.html's loop before it became {% assignment_rows %}.
OLD_LOOP = """{% load i18n content_language %}  {% for row in overview.rows %}
    <tr>
      <td>{{ row.application.organisation.name }} <span class="muted">{{ row.application.organisation.country }}</span></td>
      <td><a href="{% url 'application-reviews' call.slug row.application.pk %}"{{ row.application.language|lang_if_other }}>{{ row.application.title }}</a></td>
      <td>
        <ul>
        {% for assignment in row.assignments %}
          <li>{{ assignment.reviewer }}
            {% if assignment.review.submitted_at %}<span class="badge">{% translate "submitted" %}</span>{% elif assignment.review %}<span class="muted">{% translate "draft" %}</span>{% endif %}
            {% if assignment.source == "manual" %}<span class="muted">{% translate "by hand" %}</span>{% endif %}
            {% if not locked and not assignment.review.submitted_at %}
            <form method="post" action="{% url 'call-assignment-remove' call.slug assignment.pk %}" class="actions">
              {% csrf_token %}
              <button type="submit" class="danger">{% blocktranslate with name=assignment.reviewer %}Remove {{ name }}{% endblocktranslate %}</button>
            </form>
            {% endif %}
          </li>
        {% empty %}
          <li class="muted">{% translate "None yet" %}</li>
        {% endfor %}
        </ul>
      </td>
      <td class="num">{% blocktranslate with done=row.submitted need=call.reviews_per_application %}{{ done }} of {{ need }}{% endblocktranslate %}{% if deadline_passed and row.submitted < call.reviews_per_application %} <span class="warn">{% translate "late" %}</span>{% endif %}</td>
      <td class="num">{{ row.missing }}</td>
    </tr>
  {% empty %}
    <tr><td colspan="5" class="muted">{% translate "No submitted, eligible applications yet." %}</td></tr>
  {% endfor %}
"""  # noqa: E501


# call_scores.html's loop before it became {% score_rows %}.
OLD_SCORES_LOOP = """{% load i18n content_language %}  {% for row in rows %}
    <tr>
      <td>{{ row.application.organisation.name }}</td>
      <td><a href="{% url 'application-reviews' call.slug row.application.pk %}"{{ row.application.language|lang_if_other }}>{{ row.application.title }}</a></td>
      <td>
        <ul>
        {% for review in row.reviews %}
          <li>{{ review.label }}: {% if review.weighted_score is not None %}{{ review.weighted_score|floatformat:2 }} / {{ review.z_score|floatformat:2 }}{% else %}<span class="muted">{% translate "not submitted" %}</span>{% endif %}</li>
        {% empty %}
          <li class="muted">{% translate "No reviewers" %}</li>
        {% endfor %}
        </ul>
      </td>
      <td class="num">{% if row.raw_mean is not None %}{{ row.raw_mean|floatformat:2 }}{% else %}–{% endif %}</td>
      <td class="num">{% if row.normalised_mean is not None %}{{ row.normalised_mean|floatformat:2 }}{% else %}–{% endif %}</td>
    </tr>
  {% empty %}
    <tr><td colspan="5" class="muted">{% translate "No submitted, eligible applications yet." %}</td></tr>
  {% endfor %}
"""  # noqa: E501


def _call_with_rows():
    call = make_call(slug="call-1234")
    lagos = make_org(name="Lagos & <Bus> Data", country="NG")
    make_application(call=call, organisation=lagos, title="Bus stops “of” Lagos", language="es")
    busy = make_application(call=call, title="Zone counts")
    make_application(call=call, submitted=False)  # a draft: not a row
    first = make_user(email="ob@example.org", display_name="O'Brien <Ann>")
    second = make_user(email="zed@example.org", display_name="Zed")
    done = ReviewAssignment.objects.create(application=busy, reviewer=first, source="manual")
    Review.objects.create(assignment=done, submitted_at=timezone.now())
    draft = ReviewAssignment.objects.create(application=busy, reviewer=second)
    Review.objects.create(assignment=draft)
    return call


def _both(call, *, locked: bool, deadline_passed: bool) -> tuple[str, str]:
    overview = assignment_overview(actor=make_user(roles=["convener"]), call=call)
    context = {
        "overview": overview,
        "call": call,
        "locked": locked,
        "deadline_passed": deadline_passed,
        "csrf_token": "tok<en>",
    }
    python = assignment_rows(
        overview.rows,
        call=call,
        locked=locked,
        deadline_passed=deadline_passed,
        csrf_token="tok<en>",
    )
    return f"  {python}\n", Template(OLD_LOOP).render(Context(context))


@pytest.mark.parametrize("language", ["en-gb", "fr"])
@pytest.mark.parametrize(("locked", "deadline_passed"), [(False, False), (True, True)])
def test_assignment_rows_write_what_the_template_loop_wrote(language, locked, deadline_passed):
    call = _call_with_rows()
    with translation.override(language):
        python, template = _both(call, locked=locked, deadline_passed=deadline_passed)

    assert python == template
    assert python.count("<tr>") == 2


def test_assignment_rows_translated_write_what_the_template_loop_wrote(tmp_path):
    call = _call_with_rows()
    messages = {
        "Remove %(name)s": "Quitar a «%(name)s» (l'évaluateur)",
        "%(done)s of %(need)s": "%(done)s de %(need)s",
        "None yet": "Nadie <aún>",
        "submitted": "enviada",
    }
    with spanish(tmp_path, messages):
        python, template = _both(call, locked=False, deadline_passed=True)

    assert python == template
    assert ("Quitar a «Zed» (l'évaluateur)" in python, "Nadie <aún>" in python) == (True, True)


def test_assignment_rows_without_rows_write_what_the_template_loop_wrote():
    call = make_call()

    python, template = _both(call, locked=False, deadline_passed=False)

    assert python == template


def test_call_assignments_page_shows_the_rows(login):
    call = _call_with_rows()
    convener = make_user(roles=["convener"])

    response = login(convener).get(f"/convener/calls/{call.slug}/assignments/")
    html = response.content.decode()

    assert (
        response.status_code,
        html.count('class="danger">Remove Zed</button>'),
        html.count("<td>Lagos &amp; &lt;Bus&gt; Data <span"),
        response.templates[0].name,
    ) == (200, 1, 1, "network/reviews/call_assignments.html")


def _scored_call(*, blind: bool = False):
    call = make_call(blind_review=blind)
    RubricCriterion.objects.filter(call=call).delete()
    RubricCriterion.objects.create(call=call, name="Merit", weight=1)
    apps = {
        name: make_application(
            call=call, organisation=make_org(name=f"Org <{name}>"), title=name, language="fr"
        )
        for name in "XYZWV"
    }
    a, b = make_reviewer(name="A & Co"), make_reviewer(name="B")
    for app, person, score in [("X", a, 5), ("Y", a, 4), ("Y", b, 3), ("Z", b, 3), ("W", b, 1)]:
        make_review(assign(apps[app], person), [score])
    assign(apps["Z"], make_reviewer(name="C"))  # assigned, not submitted
    return call


@pytest.mark.parametrize("language", ["en-gb", "fr"])
@pytest.mark.parametrize("blind", [False, True])
def test_score_rows_write_what_the_template_loop_wrote(language, blind):
    call = _scored_call(blind=blind)
    rows = score_table(actor=make_user(roles=["convener"]), call=call)
    with translation.override(language):
        python = f"  {score_rows(rows, call=call)}\n"
        template = Template(OLD_SCORES_LOOP).render(Context({"rows": rows, "call": call}))

    assert python == template
    assert python.count("<tr>") == 5


def test_score_rows_without_rows_write_what_the_template_loop_wrote():
    call = make_call()

    python = f"  {score_rows([], call=call)}\n"

    assert python == Template(OLD_SCORES_LOOP).render(Context({"rows": [], "call": call}))
