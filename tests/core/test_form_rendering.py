"""Every form renders its errors under their own field, linked for screen readers, with a
summary on top (issue 8, problem 7: errors sat above their own label and read as the previous
field's; no summary; the password was cleared without a word)."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.test import Client


class PlaceForm(forms.Form):
    title = forms.CharField(label="Title", help_text="A short title")
    email = forms.EmailField(label="Email")
    password = forms.CharField(label="Password", widget=forms.PasswordInput)
    kinds = forms.MultipleChoiceField(
        label="Kinds", choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple
    )
    token = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        raise forms.ValidationError("Try again later.")


def _bound() -> PlaceForm:
    form = PlaceForm({"title": "", "email": "not-an-email", "password": "secret", "kinds": []})
    form.is_valid()
    return form


def _squash(html: str) -> str:
    return re.sub(r">\s+<", "><", " ".join(html.split()))


def test_invalid_form_starts_with_a_summary_linking_to_each_field():
    html = _squash(str(_bound()))

    summary = re.search(r'<div class="error-summary".*?</div>', html).group(0)
    assert summary == (
        '<div class="error-summary" role="alert" aria-labelledby="form-error-summary" '
        'tabindex="-1"><h2 id="form-error-summary">There are problems with 4 answers</h2><ul>'
        "<li>Try again later.</li>"
        '<li><a href="#id_title">Title: This field is required.</a></li>'
        '<li><a href="#id_email">Email: Enter a valid email address.</a></li>'
        '<li><a href="#id_kinds">Kinds: This field is required.</a></li></ul></div>'
    )
    assert html.startswith('<div class="error-summary"')


def test_each_error_comes_after_its_own_label_and_input_and_is_described_by_it():
    html = _squash(str(_bound()))

    title = re.search(r'<div class="field has-error"><label for="id_title">.*?</ul></div>', html)
    assert title.group(0) == (
        '<div class="field has-error"><label for="id_title">Title:</label>'
        '<div class="helptext" id="id_title_helptext">A short title</div>'
        '<input type="text" name="title" required aria-invalid="true" '
        'aria-describedby="id_title_helptext id_title_error" id="id_title">'
        '<ul class="errorlist" id="id_title_error"><li>This field is required.</li></ul></div>'
    )
    # The e-mail's error follows the e-mail input, never the title's.
    assert html.index('id="id_email_error"') > html.index('<label for="id_email">')


def test_entered_values_are_kept_and_the_password_is_cleared_with_a_note():
    html = _squash(str(_bound()))

    assert 'value="not-an-email"' in html
    assert 'value="secret"' not in html
    assert (
        '<input type="password" name="password" required id="id_password">'
        '<p class="helptext password-note">For your security the password is not kept: '
        "enter it again.</p>"
    ) in html


def test_grouped_choices_are_a_fieldset_described_by_their_error():
    html = _squash(str(_bound()))

    assert (
        '<fieldset aria-describedby="id_kinds_error" class="has-error"><legend>Kinds:</legend>'
        in html
    )
    assert html.count('id="id_kinds"') == 1


def test_as_p_renders_the_same_layout_as_the_form_itself():
    form = _bound()

    assert _squash(form.as_p()) == _squash(str(form))


def test_unbound_form_has_no_summary_and_no_password_note():
    html = str(PlaceForm())

    assert ("error-summary" in html, "password-note" in html, "aria-invalid" in html) == (
        False,
        False,
        False,
    )


@pytest.mark.django_db
def test_signup_with_errors_keeps_entries_and_links_the_summary_to_the_fields():
    response = Client().post(
        "/accounts/signup/",
        {"email": "amina@", "display_name": "Amina", "password": "short", "timezone": ""},
    )

    html = _squash(response.content.decode())
    assert response.status_code == 400
    assert '<a href="#id_email">Email address: Enter a valid email address.</a>' in html
    assert '<a href="#id_password">Password: This password is too short.' in html
    assert 'value="Amina"' in html
    assert 'value="amina@"' in html
    assert 'value="short"' not in html
    assert "For your security the password is not kept: enter it again." in html
    assert (
        '<input type="email" name="email" value="amina@" maxlength="320" required '
        'aria-invalid="true" aria-describedby="id_email_error" id="id_email">'
        '<ul class="errorlist" id="id_email_error">'
    ) in html
