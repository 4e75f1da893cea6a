"""Countries of operation (organisations) and the private diversity details of people:
countries they live in and ISO 639-1 languages they work in."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from datacollab.core import working_languages
from datacollab.core.errors import DomainError, NotAllowed
from datacollab.core.models import AuditEntry
from datacollab.organisations import services
from datacollab.organisations.models import Organisation, User
from tests.factories import make_call, make_org, make_user
from tests.network.factories_applications import draft

pytestmark = pytest.mark.django_db


def _org_post(**extra):
    return {"name": "Kijiji Data", "kind": "non_profit", "country": "GB", **extra}


def test_organisation_create_page_saves_countries_of_operation(login):
    response = login(make_user()).post(
        reverse("organisation-create"), _org_post(operating_countries=["TZ", "KE", "KE"])
    )

    assert response.status_code == 302
    org = Organisation.objects.get(name="Kijiji Data")
    assert (org.country, org.operating_countries) == ("GB", ["KE", "TZ"])


def test_organisation_edit_page_by_an_administrator_saves_and_audits(login):
    admin = make_user()
    org = make_org(name="Kijiji Data", country="GB", admins=[admin])

    response = login(admin).post(
        reverse("organisation-edit", args=[org.slug]),
        _org_post(operating_countries=["BR", "PE"]),
        follow=True,
    )

    org.refresh_from_db()
    entry = AuditEntry.objects.get(action="organisation.updated")
    assert (response.redirect_chain[-1][1], org.operating_countries) == (302, ["BR", "PE"])
    assert [str(m) for m in response.context["messages"]] == [
        "The profile of Kijiji Data is saved."
    ]
    assert entry.details == {
        "before": {"country": "GB", "operating_countries": []},
        "after": {"country": "GB", "operating_countries": ["BR", "PE"]},
    }


def test_organisation_edit_page_refuses_a_plain_member_with_403(login):
    member = make_user()
    org = make_org(members=[member])

    response = login(member).post(
        reverse("organisation-edit", args=[org.slug]), _org_post(operating_countries=["BR"])
    )

    org.refresh_from_db()
    assert (response.status_code, org.operating_countries) == (403, [])


def test_update_organisation_refuses_an_unknown_country_of_operation():
    admin = make_user()
    org = make_org(admins=[admin])

    with pytest.raises(DomainError, match="XX is not an ISO 3166-1 country code"):
        services.update_organisation(
            actor=admin,
            organisation=org,
            name="A",
            kind="non_profit",
            country="GB",
            operating_countries=["KE", "XX"],
        )


def test_update_organisation_refuses_someone_outside_it():
    with pytest.raises(NotAllowed) as refused:
        services.update_organisation(
            actor=make_user(),
            organisation=make_org(name="Kijiji Data"),
            name="A",
            kind="non_profit",
            country="GB",
            operating_countries=[],
        )

    assert refused.value.message == "Only an administrator of Kijiji Data can edit its profile."


def test_organisation_page_shows_countries_of_operation_with_global_south_badge(client):
    org = make_org(name="Kijiji Data", country="GB")
    org.operating_countries = ["KE", "TZ"]
    org.save()

    page = client.get(reverse("organisation-detail", args=[org.slug])).content.decode()

    assert "Countries of operation</dt><dd>Kenya, Tanzania, United Republic of" in page
    assert page.count('class="badge gs"') == 1  # the head office (GB) earns none


def test_global_south_by_operation_needs_one_global_south_country_of_operation():
    north = make_org(country="KE")
    north.operating_countries = ["GB", "DE"]
    south = make_org(country="GB")
    south.operating_countries = ["GB", "BR"]

    assert (north.is_global_south_by_operation, south.is_global_south_by_operation) == (False, True)


# People: private, optional.


def test_profile_diversity_page_saves_countries_and_languages(login):
    user = make_user()

    response = login(user).post(
        reverse("profile-diversity"),
        {
            "residence_countries": ["KE"],
            "working_languages": ["sw", "en"],
            "languages_note": "some  Sheng",
        },
    )

    user = User.objects.get(pk=user.pk)
    assert response.status_code == 302
    assert (user.residence_countries, user.working_languages, user.languages_note) == (
        ["KE"],
        ["en", "sw"],
        "some Sheng",
    )


def test_profile_diversity_page_is_optional_and_clears(login):
    user = make_user(residence_countries=["KE"], working_languages=["sw"])

    response = login(user).post(reverse("profile-diversity"), {})

    user = User.objects.get(pk=user.pk)
    assert (response.status_code, user.residence_countries, user.working_languages) == (
        302,
        [],
        [],
    )


def test_profile_diversity_page_unknown_language_is_400(login):
    user = make_user()

    response = login(user).post(reverse("profile-diversity"), {"working_languages": ["xx"]})

    assert response.status_code == 400


def test_set_diversity_details_refuses_an_unknown_language_code():
    with pytest.raises(DomainError, match="xx is not a language of the list"):
        services.set_diversity_details(
            user=make_user(), residence_countries=[], working_languages=["xx"]
        )


def test_profile_page_explains_why_and_who_sees(login):
    page = login(make_user()).get(reverse("profile")).content.decode()

    assert "Nobody else sees your answers" in page
    assert 'action="/accounts/profile/diversity/"' in page


def test_person_page_never_shows_residence_or_languages(login):
    person = make_user(
        display_name="Wanjiru K",
        expertise="GIS",
        residence_countries=["TZ"],
        working_languages=["sw"],
        languages_note="Sheng",
    )

    page = login(make_user()).get(reverse("person-detail", args=[person.pk])).content.decode()

    assert ("Tanzania" in page, "Swahili" in page, "Kiswahili" in page, "Sheng" in page) == (
        False,
        False,
        False,
        False,
    )


# The list of languages.


def test_languages_parse_keeps_what_it_cannot_match_as_a_note():
    assert working_languages.parse(
        "English, Kiswahili and some Twi; Português / Farsi & Klingon"
    ) == (
        ["en", "fa", "pt", "sw"],
        "some Twi, Klingon",
    )


def test_languages_parse_empty_text_is_nothing():
    assert working_languages.parse("") == ([], "")


def test_languages_names_follow_the_reader_language_with_the_autonym():
    with translation.override("es"):
        spanish = working_languages.label_of("sw")
    with translation.override("en"):
        english = working_languages.label_of("sw")

    assert (english, spanish, working_languages.label_of("en")) == (
        "Swahili (Kiswahili)",
        "Suajili (Kiswahili)",
        "English",
    )


def test_languages_cover_global_south_languages_django_lacks():
    assert [working_languages.get(code).autonym for code in ("yo", "ha", "qu", "zu")] == [
        "Yorùbá",
        "Hausa",
        "Runa Simi",
        "isiZulu",
    ]


def test_application_editor_shows_countries_of_operation_with_a_link_to_edit(login, applicant):
    org = make_org(name="Kijiji Data", country="GB", admins=[applicant])
    org.operating_countries = ["KE"]
    org.save()
    application = draft(make_call(), applicant, org=org)

    page = login(applicant).get(reverse("application-edit", args=[application.pk]))

    content = page.content.decode()
    assert "<dt>Countries of operation</dt><dd>Kenya" in content
    assert f'href="{reverse("organisation-edit", args=[org.slug])}"' in content


def test_residence_countries_are_named_in_the_readers_language():
    from datacollab.organisations.forms_diversity import DiversityForm

    with translation.override("es"):
        choices = dict(DiversityForm().fields["residence_countries"].choices)

    assert choices["DE"] == "Alemania"
