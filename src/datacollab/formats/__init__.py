"""Date formats per language (settings.FORMAT_MODULE_PATH).

Django's names (DATE_FORMAT, SHORT_DATE_FORMAT, ...) work in `|date:"DATE_FORMAT"` and
`formats.date_format`; the names Django lacks (a time zone, a weekday) are read by
`core.dates.named_format` and the `|datefmt:` filter. Every module sets every name in
`core.dates.FORMAT_NAMES`: tests/core/test_i18n_formats.py checks it.
"""
