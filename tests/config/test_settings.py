from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROD_SECRET = "x" * 20 + "-production-secret-key-with-enough-entropy-0123456789abcdef"


def _run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "SECRET_KEY",
            "DATACOLLAB_ENV",
            "DEBUG",
            "ALLOWED_HOSTS",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    base.update(env)
    return subprocess.run(
        [sys.executable, "-m", "datacollab", *args],
        env=base,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_refuses_to_start_without_secret_key(tmp_path):
    result = _run(
        ["check"],
        {
            "DATACOLLAB_ENV": "production",
            "ALLOWED_HOSTS": "example.org",
            "DATACOLLAB_VAR_DIR": str(tmp_path),
        },
        tmp_path,
    )
    assert result.returncode == 1
    assert "SECRET_KEY is not set" in result.stderr


def test_production_check_deploy_is_clean(tmp_path):
    result = _run(
        ["check", "--deploy", "--fail-level", "WARNING"],
        {
            "DATACOLLAB_ENV": "production",
            "SECRET_KEY": PROD_SECRET,
            "AUDIT_HMAC_KEY": PROD_SECRET[::-1],
            "ALLOWED_HOSTS": "example.org",
            "DATACOLLAB_VAR_DIR": str(tmp_path),
        },
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."


def test_development_secret_key_made_once_and_kept(tmp_path):
    env = {"DATACOLLAB_VAR_DIR": str(tmp_path)}
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    first = _run(["shell", "--no-imports", "-c", code], env, tmp_path)
    second = _run(["shell", "--no-imports", "-c", code], env, tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    assert (tmp_path / "secret_key").read_text().strip() == first.stdout.strip()
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"


def test_bad_boolean_setting_is_a_clear_error(tmp_path):
    result = _run(["check"], {"DEBUG": "maybe", "DATACOLLAB_VAR_DIR": str(tmp_path)}, tmp_path)
    assert result.returncode == 1
    assert "DEBUG='maybe' is not a boolean" in result.stderr


def test_sqlite_default_is_under_var_in_wal_mode(tmp_path):
    code = (
        "from django.db import connection; c = connection.cursor(); "
        "c.execute('PRAGMA journal_mode'); print(connection.settings_dict['NAME']); "
        "print(c.fetchone()[0])"
    )
    env = {"DATACOLLAB_VAR_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    result = _run(["shell", "--no-imports", "-c", code], {**env, "DATABASE_URL": ""}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(tmp_path / "datacollab.sqlite3"), "wal"]


@pytest.mark.django_db
def test_every_model_change_has_a_migration():
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert out.getvalue().strip() == "No changes detected"
