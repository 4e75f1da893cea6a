"""Readable, translated wording of the worker's refusals (the child reports codes only)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from datacollab.datasets.reading_messages import schema_problems_text, source_problem_text


def _templates() -> dict[str, str]:
    # Built per call so each message is translated into the language active now (a
    # module-level gettext would fix the language of whoever imported it first).
    formats = _("Upload a CSV, TSV, Parquet or XLSX file.")
    return {
        "empty": _("The file is empty."),
        "header-only": _("The file has a header row but no data rows."),
        "binary": _("The file is not text: it contains binary data. ") + formats,
        "no-encoding": _(
            "The file is not valid UTF-8 and no encoding could be detected. "
            "Save it as UTF-8 and upload it again."
        ),
        "bad-encoding": _(
            "The file is not valid %(encoding)s: line %(line)s has bytes that cannot be read "
            "in that encoding. Save it as UTF-8 and upload it again."
        ),
        "line-too-long": _(
            "Line %(line)s is longer than %(limit_mb)s MB: refused. Check the delimiter and "
            "the quotes, or split the file."
        ),
        "bomb": _(
            "The file expands to more than %(limit_mb)s MB when decompressed: refused as a "
            "possible decompression bomb."
        ),
        "expansion": _(
            "The file expands more than %(ratio)s times its compressed size when decompressed "
            "(past %(limit_mb)s MB): refused as a possible decompression bomb. Upload it "
            "uncompressed, or ask the operator to raise DATASETS_MAX_EXPANSION_RATIO."
        ),
        "too-many-rows": _(
            "The data has %(rows)s rows, more than this dataset's row limit of %(limit)s. "
            "An owner may raise the limit on the dataset's edit page (up to the site's "
            "maximum), then retry."
        ),
        "too-many-lines": _(
            "The file has %(rows)s lines after the header, more than this dataset's row "
            "limit of %(limit)s. An owner may raise the limit on the dataset's edit page (up "
            "to the site's maximum), then retry."
        ),
        "bomb-ratio": _(
            "The part %(member)s of the workbook is compressed %(ratio)s to 1, more than the "
            "%(max_ratio)s to 1 allowed: refused as a possible decompression bomb."
        ),
        "zip-members": _(
            "The workbook has %(count)s parts, more than the %(limit)s allowed: refused."
        ),
        "zip-not-xlsx": _("The file is a ZIP archive but not an Excel workbook (.xlsx). ")
        + formats,
        "not-xlsx": _("The file is named .xlsx but is not an Excel workbook. ") + formats,
        "xls": _("Old Excel files (.xls) are not accepted: save the sheet as .xlsx or CSV."),
        "xlsx-broken": _("The workbook could not be read: %(detail)s"),
        "xlsx-no-sheets": _("The workbook has no sheets."),
        "xlsx-empty-sheet": _("The first sheet of the workbook, “%(sheet)s”, is empty."),
        "not-gzip": _("The file is named .gz but is not gzip-compressed."),
        "gzip-broken": _("The compressed file is damaged: %(detail)s"),
        "not-parquet": _(
            "The file is named .parquet but is not a Parquet file (it does not start with "
            "the PAR1 signature)."
        ),
        "parquet-broken": _("The Parquet file is damaged or truncated: %(detail)s"),
        "schema-invalid": _("The schema cannot be used: %(detail)s"),
        "csv-unreadable": _("The file could not be read as a table: %(detail)s"),
        "out-of-memory": _(
            "The worker ran out of memory (limit %(limit_mb)s MB) while reading the file. "
            "Split the file, or ask the operator to raise DATASETS_WORKER_MEMORY_MB."
        ),
        "cpu-time": _(
            "Parsing used more than %(seconds)s s of processor time: refused. Split the file, "
            "or ask the operator to raise DATASETS_WORKER_CPU_SECONDS."
        ),
        "timeout": _("Parsing took longer than %(seconds)s s: refused."),
        "crashed": _(
            "The worker stopped before it finished (%(detail)s). Nothing was published; try again."
        ),
        "internal": _("The file could not be processed: %(detail)s"),
        "no-access": _("You may no longer publish to this dataset: %(detail)s"),
    }


def refusal_message(refusal: dict[str, Any]) -> str:
    """The sentence shown to the owner for a refusal {"code", "params"} from the worker."""
    templates = _templates()
    code = refusal.get("code", "internal")
    params = dict(refusal.get("params") or {})
    template = templates.get(code, templates["internal"])
    params.setdefault("detail", code)
    # The engine's own sentences inside the detail, in the reader's language.
    if code == "schema-invalid":
        params["detail"] = schema_problems_text(str(params["detail"]))
    elif code == "csv-unreadable":
        params["detail"] = source_problem_text(str(params["detail"]))
    try:
        return template % params
    except (KeyError, TypeError, ValueError):
        return templates["internal"] % {"detail": code}
