"""Read the background texts about the real programme (`../shared/seeds/*.txt` beside the
repository, or DATACOLLAB_SEEDS_DIR) for the two real cohorts' members.

The texts are prose, so this reads only what they state plainly: the bulleted lists of
participants. When the texts are missing or say something else, the built-in lists are used.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from datacollab.demo import content

# src/datacollab/demo/seeds.py -> the repository -> its sibling shared/seeds.
_DEFAULT_DIR = Path(__file__).resolve().parents[3].parent / "shared" / "seeds"
_BULLET = re.compile(r"^\s*[•*-]\s+(?P<name>.+?)\s+[–-]\s+(?P<rest>.+?)\s*$")


@dataclass(frozen=True)
class SeedMember:
    name: str  # the collaboration (first cohort) or the organisation (second)
    description: str


def seeds_dir() -> Path:
    return Path(os.environ.get("DATACOLLAB_SEEDS_DIR") or _DEFAULT_DIR)


def read_seed_texts(directory: Path | None = None) -> str:
    directory = directory or seeds_dir()
    if not directory.is_dir():
        return ""
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(directory.glob("*.txt")))


def _bullets_after(text: str, heading: str) -> list[tuple[str, str]]:
    start = text.find(heading)
    if start < 0:
        return []
    found: list[tuple[str, str]] = []
    for line in text[start + len(heading) :].splitlines():
        if not line.strip():
            continue
        match = _BULLET.match(line)
        if match is None:
            if found:
                break
            continue
        found.append((match["name"], match["rest"]))
    return found


def first_cohort(text: str) -> list[SeedMember]:
    """Data Cargo (the announcing post's own project) and the five others it lists."""
    others = _bullets_after(text, "The other five selected data collaborations are:")
    if "Data Cargo" not in text or len(others) != 5:
        pairs = content.FIRST_COHORT_FALLBACK
    else:
        pairs = [content.FIRST_COHORT_FALLBACK[0]] + [
            (name, f"A data collaboration led by {lead}.") for name, lead in others
        ]
    return [SeedMember(name, _sentence(description)) for name, description in pairs]


def second_cohort(text: str) -> list[SeedMember]:
    listed = _bullets_after(text, "They were:")
    pairs = listed if len(listed) == 7 else content.SECOND_COHORT_FALLBACK
    return [SeedMember(name, _sentence(description)) for name, description in pairs]


def _sentence(text: str) -> str:
    text = text.strip()
    return text[0].upper() + text[1:] if text else text
