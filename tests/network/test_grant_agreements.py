from __future__ import annotations

import pytest
from django.urls import reverse

from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.core.models import AuditEntry
from datacollab.network.agreement_text import text_hash
from datacollab.network.models import GrantAgreement
from datacollab.network.services.grant_agreements import (
    award_for_agreement,
    draft_text,
    save_agreement_template,
    sign_grant_agreement,
)
from tests.network.factories_obligations import make_grantee, make_report

pytestmark = pytest.mark.django_db


def _draft(award):
    return draft_text(award_for_agreement(award.pk))


def test_draft_agreement_names_parties_amount_instalments_deliverables_and_output(convener):
    grantee = make_grantee(convener=convener)
    make_report(convener=convener, award=grantee.award, title="Interim report")
    save_agreement_template(
        actor=convener,
        cohort=grantee.award.cohort,
        text="{{ funder }} / {{ organisation }} / {{ amount }}\n\n{{ instalments }}\n\n"
        "{{ deliverables }}\n\n{{ reporting_dates }}\n\n{{ output }}",
        output="an ODI and Microsoft output",
    )
    text = _draft(grantee.award).text
    assert text == (
        "Peer Learning Network for Data Collaborations / Data Cargo / £10,000.00\n\n"
        "- £5,000.00 due on 5 January 2027\n- £5,000.00 due on 30 June 2027\n\n"
        "- Interim report, by 31 March 2027\n\n- 31 March 2027\n\n"
        "an ODI and Microsoft output"
    )


def test_default_agreement_is_used_until_the_convener_saves_one(convener):
    grantee = make_grantee(convener=convener)
    text = _draft(grantee.award).text
    assert text.startswith("# Grant agreement\n\n**Between** Peer Learning Network")
    assert "contributes to the output report of " + grantee.award.cohort.name in text


def test_sign_grant_agreement_by_org_admin_freezes_text_and_audits_hash(convener):
    grantee = make_grantee(convener=convener)
    draft = _draft(grantee.award)
    signed = sign_grant_agreement(
        actor=grantee.admin, award=grantee.award, expected_hash=draft.hash
    )
    assert (signed.text, signed.text_hash, signed.signed_by) == (
        draft.text,
        text_hash(draft.text),
        grantee.admin,
    )
    entry = AuditEntry.objects.get(action="grant.agreement_signed")
    assert (entry.actor_id, entry.details["text_hash"]) == (grantee.admin.pk, draft.hash)


def test_sign_grant_agreement_by_plain_member_refused(convener):
    grantee = make_grantee(convener=convener)
    with pytest.raises(NotAllowed) as refused:
        sign_grant_agreement(
            actor=grantee.member, award=grantee.award, expected_hash=_draft(grantee.award).hash
        )
    assert refused.value.message == (
        "Only an administrator of Data Cargo can sign its grant agreement: ask one of them to sign."
    )
    assert GrantAgreement.objects.count() == 0


def test_sign_grant_agreement_by_convener_refused(convener):
    grantee = make_grantee(convener=convener)
    with pytest.raises(NotAllowed):
        sign_grant_agreement(
            actor=convener, award=grantee.award, expected_hash=_draft(grantee.award).hash
        )


def test_sign_grant_agreement_twice_refused(convener):
    grantee = make_grantee(convener=convener)
    hash_ = _draft(grantee.award).hash
    sign_grant_agreement(actor=grantee.admin, award=grantee.award, expected_hash=hash_)
    with pytest.raises(Conflict):
        sign_grant_agreement(actor=grantee.admin, award=grantee.award, expected_hash=hash_)


def test_sign_grant_agreement_with_stale_hash_refused(convener):
    grantee = make_grantee(convener=convener)
    stale = _draft(grantee.award).hash
    save_agreement_template(
        actor=convener, cohort=grantee.award.cohort, text="New terms.", output="an output"
    )
    with pytest.raises(Conflict):
        sign_grant_agreement(actor=grantee.admin, award=grantee.award, expected_hash=stale)
    assert GrantAgreement.objects.count() == 0


def test_signed_agreement_unchanged_by_later_template_change(convener, login):
    grantee = make_grantee(convener=convener)
    draft = _draft(grantee.award)
    sign_grant_agreement(actor=grantee.admin, award=grantee.award, expected_hash=draft.hash)
    save_agreement_template(
        actor=convener, cohort=grantee.award.cohort, text="Entirely new terms.", output="x"
    )
    signed = GrantAgreement.objects.get(award=grantee.award)
    assert (signed.text, signed.text_hash) == (draft.text, draft.hash)
    page = login(grantee.member).get(reverse("grant-detail", args=[grantee.award.pk]))
    assert page.context["text_hash"] == draft.hash
    assert "Entirely new terms." not in page.content.decode()


def test_save_agreement_template_unknown_placeholder_refused(convener):
    grantee = make_grantee(convener=convener)
    with pytest.raises(DomainError) as refused:
        save_agreement_template(
            actor=convener, cohort=grantee.award.cohort, text="{{ secret_key }}", output="x"
        )
    assert refused.value.field == "text"


def test_save_agreement_template_non_convener_refused(convener):
    grantee = make_grantee(convener=convener)
    with pytest.raises(NotAllowed):
        save_agreement_template(
            actor=grantee.admin, cohort=grantee.award.cohort, text="Terms.", output="x"
        )


def test_grant_page_sign_by_admin_then_shows_signed(convener, login):
    grantee = make_grantee(convener=convener)
    client = login(grantee.admin)
    url = reverse("grant-detail", args=[grantee.award.pk])
    form_hash = client.get(url).context["form"].initial["text_hash"]
    response = client.post(
        reverse("grant-sign", args=[grantee.award.pk]), {"text_hash": form_hash, "confirm": "on"}
    )
    assert response.status_code == 302
    assert GrantAgreement.objects.get(award=grantee.award).signed_by == grantee.admin


def test_grant_page_sign_by_member_refused_with_message(convener, login):
    grantee = make_grantee(convener=convener)
    client = login(grantee.member)
    page = client.get(reverse("grant-detail", args=[grantee.award.pk]))
    assert page.context["form"] is None
    response = client.post(
        reverse("grant-sign", args=[grantee.award.pk]),
        {"text_hash": _draft(grantee.award).hash, "confirm": "on"},
    )
    assert response.status_code == 403
    assert "Only an administrator of Data Cargo can sign" in response.content.decode()


def test_grant_page_for_outsider_not_found(convener, login, applicant):
    grantee = make_grantee(convener=convener)
    response = login(applicant).get(reverse("grant-detail", args=[grantee.award.pk]))
    assert response.status_code == 404


def test_grant_agreement_pdf_is_a_pdf(convener, login):
    grantee = make_grantee(convener=convener)
    response = login(grantee.member).get(reverse("grant-agreement-pdf", args=[grantee.award.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content[:5] == b"%PDF-"


def test_agreement_template_page_saves(convener, login):
    grantee = make_grantee(convener=convener)
    cohort = grantee.award.cohort
    response = login(convener).post(
        reverse("grant-agreement-template", args=[cohort.slug]),
        {"text": "Terms for {{ organisation }}.", "output": "an ODI and Microsoft output"},
    )
    assert response.status_code == 302
    assert _draft(grantee.award).text == "Terms for Data Cargo."


def test_signed_agreement_pdf_keeps_signed_text_after_template_change(convener, login):
    from io import BytesIO

    from pypdf import PdfReader

    grantee = make_grantee(convener=convener)
    sign_grant_agreement(
        actor=grantee.admin, award=grantee.award, expected_hash=_draft(grantee.award).hash
    )
    save_agreement_template(
        actor=convener, cohort=grantee.award.cohort, text="Replaced terms.", output="x"
    )
    response = login(grantee.member).get(reverse("grant-agreement-pdf", args=[grantee.award.pk]))
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    words = " ".join(text.split())
    assert "Replaced terms." not in words
    assert "Signed for Data Cargo by Ada Admin" in words
    assert "Data Cargo (the grantee)" in words


def test_agreement_text_keeps_names_plain_in_markdown(convener, login):
    grantee = make_grantee(convener=convener)
    org = grantee.award.organisation
    org.name = "Data_Cargo *Ltd*"
    org.save(update_fields=["name"])
    save_agreement_template(
        actor=convener, cohort=grantee.award.cohort, text="{{ organisation }}", output="x"
    )
    assert _draft(grantee.award).text == r"Data\_Cargo \*Ltd\*"
    page = login(grantee.member).get(reverse("grant-detail", args=[grantee.award.pk]))
    assert str(page.context["agreement_body"]) == "<p>Data_Cargo *Ltd*</p>\n"
