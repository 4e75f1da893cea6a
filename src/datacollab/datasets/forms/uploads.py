from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Data file"),
        allow_empty_file=True,  # the service says "The file is empty." itself
        help_text=_(
            "CSV, TSV (also .csv.gz), Parquet or XLSX (the first sheet). The encoding and the "
            "delimiter are detected; the guess is shown on the next page."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.tsv,.tab,.txt,.gz,.parquet,.xlsx"}),
    )


ENCODINGS = [
    ("", _("As detected")),
    ("utf-8", "UTF-8"),
    ("utf-8-sig", _("UTF-8 with a byte order mark")),
    ("latin-1", _("Latin-1 (ISO 8859-1)")),
    ("cp1252", _("Windows-1252 (Western Europe)")),
    ("iso8859-15", _("Latin-9 (ISO 8859-15)")),
    ("cp1250", _("Windows-1250 (Central Europe)")),
    ("cp1251", _("Windows-1251 (Cyrillic)")),
    ("utf-16", "UTF-16"),
    ("mac-roman", _("Mac Roman")),
    ("shift_jis", "Shift JIS"),
    ("gb18030", "GB 18030"),
    ("big5", "Big5"),
]
DELIMITERS = [
    ("", _("As detected")),
    (",", _("comma (,)")),
    (";", _("semicolon (;)")),
    ("tab", _("tab")),
    ("|", _("pipe (|)")),
]
FORMATS = [("", _("As detected")), ("csv", "CSV"), ("tsv", "TSV")]


class ReparseForm(forms.Form):
    """The uploader's corrections of the guess; the service checks them again."""

    format = forms.ChoiceField(label=_("Format"), choices=FORMATS, required=False)
    encoding = forms.ChoiceField(label=_("Encoding"), choices=ENCODINGS, required=False)
    delimiter = forms.ChoiceField(label=_("Delimiter"), choices=DELIMITERS, required=False)


class PublishForm(forms.Form):
    accept_schema_change = forms.BooleanField(
        label=_("I accept the change to the dataset's schema described above"), required=False
    )
