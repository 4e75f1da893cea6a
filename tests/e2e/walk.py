"""What the browser flows share: the two widths, logging in, the menu, screenshots on request
(DATACOLLAB_SCREENSHOTS=folder) and the no-sideways-scroll check."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from tests import factories

WIDTHS = {"desktop": (1366, 900), "phone": (390, 844)}


def person(browser: Any, viewport: str, base: str, email: str) -> Any:
    """A new browser context at the viewport's size, logged in as `email`."""
    width, height = WIDTHS[viewport]
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.set_default_timeout(60_000)  # the shared CI machine can be slow
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", factories.PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/")
    return page


def menu(page: Any, name: str) -> None:
    """Follow a link of the main menu, opening it first on a phone (where it is collapsed)."""
    if not page.locator("#site-menu").is_visible():
        page.locator("label[for=menu-toggle]").click()
    page.locator("#site-menu").get_by_role("link", name=name, exact=True).click()


def shoot(page: Any, name: str, viewport: str) -> None:
    folder = os.environ.get("DATACOLLAB_SCREENSHOTS")
    if folder:
        width = WIDTHS[viewport][0]
        page.screenshot(path=str(Path(folder) / f"{name}-{width}.png"), full_page=True)


def no_sideways_scroll(page: Any, viewport: str) -> None:
    # A click may have started a navigation: measure the page it lands on, not the one it left.
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[viewport][0]


# --- Finding English left on a page in another language (issue 14; test_languages_walk.py) ---

# The visible text of the page, and its title/aria-label/placeholder/alt attributes, leaving
# out what is marked as written in another language (`lang` on it or an ancestor), code and
# `translate="no"`. A <noscript>'s markup is text to a browser running scripts: its tags are
# stripped so its words are checked too.
_TEXTS_JS = r"""() => {
  const page = document.documentElement.lang.toLowerCase();
  const other = (el) => {
    const marked = el.closest('[lang]');
    return marked !== null && !marked.lang.toLowerCase().startsWith(page);
  };
  const skipped = 'script,style,code,pre,kbd,samp,[translate=no],[hidden],template';
  // The page's title and an attribute cannot mark a part of themselves as another language:
  // text the page marks so elsewhere (a call's title quoted in "Move down “…”") is taken out.
  const marked = [...document.body.querySelectorAll('[lang]')]
    .filter((el) => other(el)).map((el) => el.textContent.replace(/\s+/g, ' ').trim())
    .filter((text) => text).sort((a, b) => b.length - a.length);
  const unmark = (text) => marked.reduce((left, part) => left.split(part).join(' '), text);
  const out = [unmark(document.title).trim()];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const parent = walker.currentNode.parentElement;
    if (!parent || parent.closest(skipped) || other(parent)) continue;
    let text = walker.currentNode.textContent;
    if (parent.closest('noscript')) text = text.replace(/<[^>]*>/g, ' ');
    text = text.replace(/\s+/g, ' ').trim();
    if (text) out.push(text);
  }
  for (const el of document.body.querySelectorAll('[title],[placeholder],[aria-label],[alt]')) {
    if (el.closest('script,template') || other(el)) continue;
    for (const name of ['title', 'placeholder', 'aria-label', 'alt']) {
      const value = unmark(el.getAttribute(name) || '').trim();
      if (value) out.push(value);
    }
  }
  return out;
}"""

# English words that are not words of the page's language: two in one text is a sentence
# left in English. ("no" is Spanish and Portuguese, "on", "an" and "or" French.)
# fmt: off
STOP_WORDS = frozenset({
    "the", "and", "your", "you", "is", "are", "of", "to", "with", "for", "this", "that", "what",
    "who", "has", "have", "not", "no", "be", "in", "on", "it", "at", "by", "from", "an", "or",
    "can", "will", "was", "were", "when", "which",
})
# fmt: on
NOT_STOP_WORDS_IN = {"es": {"no"}, "pt": {"no"}, "fr": {"on", "an", "or"}}
# Short English labels (a button, a heading) of one to three words, none of them a word of
# Spanish, French or Portuguese as well ("Sessions", "Organisation", "Applications" are French).
# fmt: off
ENGLISH_ONLY = frozenset({
    "save", "submit", "cancel", "edit", "delete", "apply", "search", "next", "previous", "back",
    "close", "draft", "submitted", "yes", "none", "home", "profile", "reviews", "review", "scores",
    "deadline", "required", "optional", "show", "more", "settings", "help", "awarded", "paid",
    "sent", "withdraw", "invite", "send", "add", "remove", "upcoming", "past", "my", "your", "log",
    "out", "sign", "selection", "grants", "reports", "convener", "cohort", "call", "calls",
    "people",
})
# fmt: on


def english_left(text: str, language: str, allowed: dict[str, str]) -> bool:
    """Whether `text`, shown on a page in `language`, reads as English.

    `allowed` maps the phrases that stay as they are in every language (proper names, the
    data's own column names) to why; they are taken out before counting.
    """
    # A template's placeholders ("{{ starts_on }}" in a grant agreement) are names to type
    # as they are, like code.
    text = re.sub(r"{{\s*\w+\s*}}", " ", text)
    for phrase in sorted(allowed, key=len, reverse=True):
        text = re.sub(rf"\b{re.escape(phrase)}\b", " ", text, flags=re.IGNORECASE)
    words = [w.lower() for w in re.findall(r"[^\W\d_]+", text)]
    stop = STOP_WORDS - NOT_STOP_WORDS_IN.get(language, set())
    if len([w for w in words if w in stop]) >= 2:
        return True
    return 1 <= len(words) <= 3 and all(w in ENGLISH_ONLY for w in words)


def english_on(page: Any, language: str, allowed: dict[str, str]) -> list[str]:
    """The texts of the page in front of `page` that are still English, each once."""
    assert page.evaluate("document.documentElement.lang") == language
    found: list[str] = []
    for text in page.evaluate(_TEXTS_JS):
        if english_left(text, language, allowed) and text not in found:
            found.append(text)
    return found


def choose_language(page: Any, language_name: str) -> None:
    """Press the chooser's button for a language (in its own name), as a person would: on a
    phone the menu holding it opens first."""
    chooser = page.locator("form.languages").first
    if not chooser.is_visible():
        page.locator("label[for=menu-toggle]").click()
    with page.expect_navigation():
        chooser.get_by_role("button", name=language_name, exact=True).click()
