"""Country and region names in the reader's language (issue 14)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from datacollab.core import country_names
from tests import factories
from tests.i18n_catalogue import spanish


def test_country_names_english_reader_sees_the_iso_names() -> None:
    with translation.override("en-gb"):
        shown = [country_names.name("KE"), country_names.name("GB"), country_names.region("Africa")]

    assert shown == ["Kenya", "United Kingdom", "Africa"]


def test_country_names_spanish_reader_sees_cldr_names() -> None:
    with translation.override("es"):
        shown = [
            country_names.name("KE"),
            country_names.name("ken"),
            country_names.region("Africa"),
        ]
        choices = dict(country_names.choices())

    assert shown == ["Kenia", "Kenia", "África"]
    assert (choices["KE"], choices["CI"], len(choices)) == ("Kenia", "Côte d’Ivoire", 249)


def test_country_names_unknown_code_is_shown_as_given() -> None:
    with translation.override("fr"):
        assert country_names.name("ZZ") == "ZZ"


@pytest.mark.django_db
def test_organisation_page_names_its_country_in_the_readers_language(client, tmp_path: Path):
    organisation = factories.make_org(name="Nairobi Data Trust", country="KE")

    with spanish(tmp_path, {}):
        response = client.get(
            reverse("organisation-detail", args=[organisation.slug]),
            headers={"accept-language": "es"},
        )

    assert "<dd>Kenia" in response.content.decode()


def test_alumni_region_filter_keeps_english_values_with_readers_labels() -> None:
    from datacollab.network.forms.alumni import AlumniFilterForm

    with translation.override("fr"):
        choices = list(AlumniFilterForm().fields["region"].choices)  # type: ignore[attr-defined]

    assert [(value, str(label)) for value, label in choices[:3]] == [
        ("", "Any"),
        ("Africa", "Afrique"),
        ("Americas", "Amériques"),
    ]
