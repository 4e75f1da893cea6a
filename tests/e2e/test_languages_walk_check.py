"""The language walk's check and the fixes it led to, without a browser (issue 14)."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import translation

from datacollab.communications.groups import group_choices
from datacollab.core.language_widgets import ContentLanguageSelect
from datacollab.network.forms.applications import ApplicationForm
from datacollab.network.forms.reviews import ManualAssignmentForm
from datacollab.network.models import EmailTemplate
from datacollab.network.selectors.selection import default_template
from datacollab.network.services.decisions import render_decision
from tests import factories
from tests.e2e.test_languages_walk import ALLOWED
from tests.e2e.walk import english_left


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Save the changes to your application", "es"),  # two stop-words
        ("Save draft", "fr"),  # a short label of English-only words
        ("Bajar “What challenge does your collaboration address?”", "es"),
    ],
)
def test_english_left_flags_english_text(text, language):
    assert english_left(text, language, ALLOWED) is True


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("No hay solicitudes: no se puede seleccionar.", "es"),  # "no" is Spanish
        ("On en a un an.", "fr"),  # "on", "an" are French
        ("Sessions", "fr"),
        ("Organisation", "fr"),
        ("Nairobi Open Transit", "pt"),  # allowed: an organisation's name
        ("**Subvención**: {{ title }} del {{ starts_on }} al {{ ends_on }}", "es"),
    ],
)
def test_english_left_passes_other_languages_and_allowed_names(text, language):
    assert english_left(text, language, ALLOWED) is False


def test_marked_filter_wraps_text_written_in_another_language(db):
    call = factories.make_call(
        title="Data for all", language="en", translations={"es": {"title": "Datos"}}
    )
    page = Template('{% load content_language %}{{ call|marked:"title" }}|{{ t|in_language:"en" }}')
    with translation.override("fr"):
        shown = page.render(Context({"call": call, "t": "Bus <stops>"}))
    with translation.override("es"):
        spanish = page.render(Context({"call": call, "t": "Bus"}))
    assert shown == '<span lang="en">Data for all</span>|<span lang="en">Bus &lt;stops&gt;</span>'
    assert spanish == 'Datos|<span lang="en">Bus</span>'


def test_application_options_carry_the_language_they_were_written_in(db):
    call = factories.make_call()
    factories.make_application(call=call, title="Bus stops", language="en")
    factories.make_application(call=call, title="Rutas", language="es")
    with translation.override("es"):
        html = str(ManualAssignmentForm(call=call)["application"])
    assert isinstance(ManualAssignmentForm.base_fields["application"].widget, ContentLanguageSelect)
    assert html.count(' lang="en"') == 1
    assert "Bus stops" in html.split(' lang="en"')[1].split("</option>")[0]


def test_decision_mail_names_the_call_in_the_applicants_language(db):
    call = factories.make_call(
        title="Data for the people", translations={"es": {"title": "Datos para la gente"}}
    )
    applicant = factories.make_user(language="es")
    application = factories.make_application(call=call, user=applicant, language="es")
    template = default_template(call=call, kind=EmailTemplate.Kind.SELECTED)
    subject, body = render_decision(application=application, template=template, convener="Cora")
    assert subject == "Datos para la gente: su solicitud ha sido seleccionada"
    assert "a Datos para la gente ha sido seleccionada" in body


def test_message_groups_name_a_call_in_the_readers_language(db):
    call = factories.make_call(title="Data for the people", translations={"es": {"title": "Datos"}})
    with translation.override("es"):
        labels = [str(g.label) for g in group_choices() if g.key == f"reviewers:{call.pk}"]
    assert labels == ["Convocatoria Datos: evaluadores"]


def test_application_form_writes_the_award_cap_as_the_reader_does(db):
    call = factories.make_call()
    application = factories.make_application(call=call, submitted=False)
    with translation.override("es"):
        help_text = str(
            ApplicationForm(application=application, questions=[], answers={})
            .fields["requested_amount"]
            .help_text
        )
    assert help_text == "En GBP; como máximo 20.000 por adjudicación."
