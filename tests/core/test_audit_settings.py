"""The audit key comes from outside the database; production refuses to start without one."""

from __future__ import annotations

from pathlib import Path

import datacollab
from tests.config.test_settings import PROD_SECRET, _run

# The child process imports this checkout's code, as pytest does, not an installed copy.
SRC = str(Path(datacollab.__file__).resolve().parent.parent)
PROD = {
    "DATACOLLAB_ENV": "production",
    "SECRET_KEY": PROD_SECRET,
    "ALLOWED_HOSTS": "example.org",
    "PYTHONPATH": SRC,
}
SHOW_KEY = "from django.conf import settings; print(settings.AUDIT_HMAC_KEY)"


def test_production_refuses_to_start_without_audit_key(tmp_path):
    result = _run(["check"], {**PROD, "DATACOLLAB_VAR_DIR": str(tmp_path)}, tmp_path)
    assert result.returncode == 1
    assert "AUDIT_HMAC_KEY (or AUDIT_HMAC_KEY_FILE) is not set" in result.stderr


def test_production_reads_audit_key_file(tmp_path):
    key_file = tmp_path / "audit.key"
    key_file.write_text("k" * 64 + "\n")
    env = {**PROD, "DATACOLLAB_VAR_DIR": str(tmp_path), "AUDIT_HMAC_KEY_FILE": str(key_file)}
    result = _run(["shell", "--no-imports", "-c", SHOW_KEY], env, tmp_path)
    assert (result.returncode, result.stdout) == (0, "k" * 64 + "\n")


def test_development_audit_key_made_once_mode_600(tmp_path):
    env = {"DATACOLLAB_VAR_DIR": str(tmp_path), "PYTHONPATH": SRC}
    first = _run(["shell", "--no-imports", "-c", SHOW_KEY], env, tmp_path)
    second = _run(["shell", "--no-imports", "-c", SHOW_KEY], env, tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    assert len(first.stdout.strip()) == 64
    assert (tmp_path / "audit_key").read_text().strip() == first.stdout.strip()
    assert oct((tmp_path / "audit_key").stat().st_mode & 0o777) == "0o600"
