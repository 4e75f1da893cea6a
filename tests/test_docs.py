"""Undocumented settings and commands are bugs (as in Datasette): these tests find them."""

from __future__ import annotations

import re
from pathlib import Path

from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = ROOT / "src" / "datacollab" / "config" / "settings.py"


def test_every_environment_variable_is_documented():
    source = SETTINGS.read_text()
    names = set(re.findall(r'(?:environ\.get|env_bool|env_list)\(\s*"([A-Z0-9_]+)"', source))
    documented = (ROOT / "docs" / "configuration.md").read_text()
    missing = sorted(name for name in names if f"`{name}`" not in documented)
    assert missing == []
    assert len(names) >= 20


def test_every_project_command_is_documented():
    ours = sorted(name for name, app in get_commands().items() if app.startswith("datacollab"))
    documented = (ROOT / "docs" / "commands.md").read_text()
    missing = [name for name in ours if f"`datacollab {name}" not in documented]
    assert missing == []
    assert "audit" in ours
