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
