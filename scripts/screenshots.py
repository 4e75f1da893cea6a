#!/usr/bin/env python3
"""Screenshots of the main pages, per role, at 1366 and 390 px, for the user guide.

Start the demo first (`make demo`, or `datacollab demo` in another terminal), then:

    .venv/bin/python scripts/screenshots.py [--base http://127.0.0.1:8000] [--out DIR]
                                            [--roles convener,participant] [--widths 1366,390]

It logs in as each role with the demo's logins (`datacollab.demo.logins`, the same list the
demo prints), opens that role's main pages in headless Chromium (Debian's `/usr/bin/chromium`,
or $CHROMIUM) and writes `<role>-<page>-<width>.png` (full page) into `docs/guide/screenshots/`.
It reads the site only: nothing is submitted but the login form.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
# The logins come from the demo's own list, which imports models: Django must be set up.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "datacollab.config.settings")
import django  # noqa: E402

django.setup()

from datacollab.demo import content, current  # noqa: E402
from datacollab.demo.logins import LOGINS  # noqa: E402

CALL = content.THIRD_CALL_SLUG
SECOND = content.SECOND.slug

# (page name, path) per role; "visitor" is not logged in.
PAGES: dict[str, list[tuple[str, str]]] = {
    "visitor": [
        ("home", "/"),
        ("call", f"/calls/{CALL}/"),
        ("report", f"/cohorts/{SECOND}/report/"),
        ("datasets", "/datasets/"),
        ("not-found", "/no-such-page/"),
        ("impact", "/impact/datasets/data-cargo-zone-summaries/"),
        ("dataset-open", "/datasets/data-cargo-zone-summaries/"),
    ],
    "convener": [
        ("convener", "/convener/"),
        ("applications", f"/convener/calls/{CALL}/applications/"),
        ("grants", f"/convener/cohorts/{SECOND}/grants/"),
        ("dashboard", "/dashboard/"),
        ("report-publish", f"/cohorts/{SECOND}/report/publish/"),
    ],
    "reviewer": [("reviews", "/reviews/")],
    "applicant": [("applications", "/applications/")],
    "participant": [
        ("support", "/sessions/support/"),
        ("sessions", "/sessions/"),
        ("cohort", f"/cohorts/{current.SLUG}/"),
    ],
    "alumnus": [("alumni", "/alumni/"), ("peers", "/peers/")],
    "expert": [("support", "/sessions/support/")],
    "data owner": [
        ("dataset", "/datasets/data-cargo-sensors/"),
        ("impact", "/impact/datasets/data-cargo-zone-summaries/?period=all"),
        ("impact-organisation", "/impact/organisations/data-cargo/"),
        ("stories", "/impact/datasets/data-cargo-zone-summaries/stories/"),
    ],
    "outsider": [("home", "/")],
}
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]


def _chromium() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        sys.exit("Chromium is not installed: apt-get install chromium (or set $CHROMIUM).")
    return path


def _email(role: str) -> str:
    return next(login.email for login in LOGINS if login.role == role)


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000", help="the running demo")
    parser.add_argument("--out", default=str(ROOT / "docs" / "guide" / "screenshots"))
    parser.add_argument("--roles", default=",".join(PAGES), help="comma-separated roles")
    parser.add_argument("--widths", default="1366,390", help="comma-separated widths in px")
    return parser.parse_args()


def main() -> int:
    args = _parse()
    from playwright.sync_api import sync_playwright

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    roles = [r.strip() for r in args.roles.split(",") if r.strip()]
    unknown = [r for r in roles if r not in PAGES]
    if unknown:
        sys.exit(f"Unknown role(s) {', '.join(unknown)}: choose among {', '.join(PAGES)}.")
    widths = [int(w) for w in args.widths.split(",")]
    written = 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=_chromium(), args=CHROMIUM_FLAGS)
        for role in roles:
            for width in widths:
                context = browser.new_context(viewport={"width": width, "height": 900})
                page = context.new_page()
                if role != "visitor":
                    page.goto(f"{args.base}/accounts/login/")
                    page.fill("#id_username", _email(role))
                    page.fill("#id_password", content.PASSWORD)
                    page.locator("main").get_by_role("button", name="Log in").click()
                    page.wait_for_load_state()
                for name, path in PAGES[role]:
                    response = page.goto(f"{args.base}{path}")
                    status = response.status if response else "?"
                    target = out / f"{role.replace(' ', '-')}-{name}-{width}.png"
                    page.screenshot(path=str(target), full_page=True)
                    print(f"{status} {path} -> {target}")
                    written += 1
                context.close()
        browser.close()
    print(f"{written} screenshots in {out}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
