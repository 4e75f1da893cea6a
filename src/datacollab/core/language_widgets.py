"""Form widgets that say which language people wrote an option's text in.

An option naming an application ("Lagos Bus Data: Bus stops of Lagos") shows its title as the
applicant wrote it; on a page in another language the option carries that `lang`, so a screen
reader pronounces it rightly (and the language walk, tests/e2e/test_languages_walk.py, knows
it is not a sentence left untranslated).
"""

from __future__ import annotations

from typing import Any

from datacollab.core.content_language import reader_language
from datacollab.core.widgets import QuickSelect


class ContentLanguageSelect(QuickSelect):
    """A ModelChoiceField's select whose options carry their object's `language`.

    Written in Python like the profile's selects (core/widgets.py): the convener's
    assignments page has two of these over every application of the call, a template
    include per option, about a third of the page's CPU."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        code = getattr(getattr(option["value"], "instance", None), "language", "")
        if code and code != reader_language():
            option["attrs"]["lang"] = code
        return option
