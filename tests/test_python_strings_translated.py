"""Python text a person reads is marked for translation (issue 14).

An AST scan of the code that serves pages: a string literal (or the literal parts of an
f-string) with a word in it, given straight to a domain error, a form ValidationError, the
messages framework, or a field's label / help text / verbose name, fails the test. Marked
text (`_("...")`) is a call, not a literal, so it passes. Management commands (operators'
command line) and the demo builder (sample content) are left out on purpose.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "datacollab"
SKIPPED_PARTS = {"migrations", "management", "demo"}
WORD = re.compile(r"[^\W\d_]{2,}")

# Names that read the same in every language, each with its reason.
ALLOWED = {
    "API": "the api app's verbose name: technical initials",
}
# Files left out, each with its reason.
SKIPPED_FILES = {
    "api/api.py": "the OpenAPI document's title and description: developer documentation, "
    "in English like the API's field names",
}
SHOWN_KEYWORDS = {
    "label",
    "help_text",
    "verbose_name",
    "verbose_name_plural",
    "empty_label",
    # Charts (reports/charts.py): their title, description and axis words are read.
    "title",
    "description",
    "label_header",
}
MESSAGE_FUNCTIONS = {"success", "error", "info", "warning", "debug", "add_message"}
# Exceptions whose message is shown to a person as it is.
SHOWN_ERRORS = {"ValidationError", "DomainError"}


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _modules() -> list[Path]:
    return sorted(
        p
        for p in SRC.rglob("*.py")
        if not SKIPPED_PARTS & set(p.parts) and str(p.relative_to(SRC)) not in SKIPPED_FILES
    )


def _domain_errors(modules: list[Path]) -> set[str]:
    """DomainError and every class that derives from it, however deep."""
    bases: dict[str, set[str]] = {}
    for path in modules:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases.setdefault(node.name, set()).update(_name(b) for b in node.bases)
    found = set(SHOWN_ERRORS)
    while grown := {c for c, b in bases.items() if b & found} - found:
        found |= grown
    return found


def _literal_words(node: ast.AST) -> str:
    """The literal text of a str constant or an f-string's constant parts; "" otherwise."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
    elif isinstance(node, ast.JoinedStr):
        text = " ".join(
            v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)
        )
    elif isinstance(node, ast.BinOp):  # "..." % x or "..." + x
        return _literal_words(node.left)
    else:
        return ""
    return text if WORD.search(text) and text not in ALLOWED else ""


def unmarked_strings(path: Path, errors: set[str], root: Path = SRC) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    shown: list[ast.AST] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _name(node.func)
            if name in errors and node.args:
                shown.append(node.args[0])
            is_messages = (
                isinstance(node.func, ast.Attribute) and _name(node.func.value) == "messages"
            )
            if is_messages and name in MESSAGE_FUNCTIONS and len(node.args) > 1:
                shown.append(node.args[1])
            shown += [k.value for k in node.keywords if k.arg in SHOWN_KEYWORDS]
        elif isinstance(node, ast.Assign) and any(
            _name(t) in ("verbose_name", "verbose_name_plural") for t in node.targets
        ):
            shown.append(node.value)
    rel = path.relative_to(root)
    return [
        f"{rel}:{getattr(n, 'lineno', '?')}: {text!r}" for n in shown if (text := _literal_words(n))
    ]


def test_python_text_shown_to_people_is_marked_for_translation() -> None:
    modules = _modules()
    errors = _domain_errors(modules)

    problems = [problem for path in modules for problem in unmarked_strings(path, errors)]

    assert problems == []


def test_python_scanner_finds_unmarked_text(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        "from django.utils.translation import gettext as _\n"
        "raise NotAllowed('Only conveners may do this.')\n"
        "raise NotAllowed(_('Marked.'))\n"
        "name = forms.CharField(label='Name', help_text=_('Marked'))\n"
        "messages.success(request, f'Saved {thing}')\n"
        "title = forms.CharField(label=f'{criterion} (×2)')\n",
        encoding="utf-8",
    )

    problems = unmarked_strings(module, {"DomainError", "NotAllowed"}, root=tmp_path)

    assert problems == [
        "m.py:2: 'Only conveners may do this.'",
        "m.py:4: 'Name'",
        "m.py:5: 'Saved '",
    ]


GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "pgettext", "pgettext_lazy", "ngettext"}


def _literal_gettext_calls_in_fstrings(tree: ast.AST) -> list[int]:
    """Lines of `f"...{gettext("literal")}..."`: xgettext does not read inside f-strings, so
    makemessages never extracts that literal and it is shown untranslated."""
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.JoinedStr):
            continue
        for part in ast.walk(node):
            if (
                isinstance(part, ast.Call)
                and isinstance(part.func, ast.Name)
                and part.func.id in GETTEXT_NAMES
                and any(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in part.args)
            ):
                lines.append(part.lineno)
    return lines


def test_no_marked_literal_inside_an_fstring():
    found = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        found += [
            f"{path.relative_to(SRC)}:{line}" for line in _literal_gettext_calls_in_fstrings(tree)
        ]
    assert found == []


def test_a_marked_literal_inside_an_fstring_is_found():
    tree = ast.parse('x = f\'<b>{gettext("late")}</b>\'\ny = f"{gettext(LATE)}"\n')
    assert _literal_gettext_calls_in_fstrings(tree) == [1]
