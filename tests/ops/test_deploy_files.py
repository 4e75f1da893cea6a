"""The container image and compose file, checked offline.

This machine cannot build images (no Docker daemon, and Docker Hub is out of reach), so what
can be checked without one is: every service's variables are documented and load the
production settings, every command exists, every file the Dockerfile copies is in the
repository. docs/operations.md says what was not built.
"""

from __future__ import annotations

import importlib.util
import re
import runpy
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml
from django.core.management import get_commands
from moto.server import ThreadedMotoServer

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text())
DOCKERFILE = (ROOT / "Dockerfile").read_text()
CONFIGURATION = (ROOT / "docs" / "configuration.md").read_text()
APP_SERVICES = ("migrate", "app", "worker")
# Read by the images of others (PostgreSQL's) or by Python itself, not by datacollab.
NOT_OURS = {"POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD"}


def _env_file() -> dict[str, str]:
    lines = (ROOT / "deploy" / "datacollab.env.example").read_text().splitlines()
    pairs = [line.split("=", 1) for line in lines if line and not line.startswith("#")]
    return {name: value for name, value in pairs}


def _app_env() -> dict[str, str]:
    """What an app container sees: the env file, then compose's `environment` over it."""
    environment = COMPOSE["services"]["app"]["environment"]
    interpolated = {
        name: re.sub(r"\$\{(\w+):-([^}]*)\}", r"\2", str(value))
        for name, value in environment.items()
    }
    return {**_env_file(), **interpolated}


def test_compose_runs_the_whole_stack():
    services = COMPOSE["services"]
    assert sorted(services) == ["app", "migrate", "postgres", "s3", "worker"]
    assert services["app"]["depends_on"]["migrate"] == {
        "condition": "service_completed_successfully"
    }
    assert services["worker"]["depends_on"] == services["app"]["depends_on"]
    # App and worker share the folder where received uploads wait for the worker.
    shared = ["var:/var/lib/datacollab"]
    assert services["app"]["volumes"] == services["worker"]["volumes"] == shared


def test_every_variable_of_the_app_services_is_documented():
    names = set(_app_env())
    for service in ("postgres", *APP_SERVICES):
        names |= set(COMPOSE["services"][service].get("environment", {}))
    missing = sorted(n for n in names - NOT_OURS if f"`{n}`" not in CONFIGURATION)
    assert missing == []


def test_example_environment_loads_the_production_settings(tmp_path, monkeypatch):
    for name, value in {**_app_env(), "DATACOLLAB_VAR_DIR": str(tmp_path)}.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.find_spec("datacollab.config.settings")
    assert spec is not None and spec.origin is not None
    loaded = runpy.run_path(spec.origin)
    assert (
        loaded["PRODUCTION"],
        loaded["DEBUG"],
        loaded["DATABASES"]["default"]["HOST"],
        loaded["STORAGES"]["datasets"]["BACKEND"],
        loaded["LOG_FORMAT"],
    ) == (True, False, "postgres", "datacollab.datasets.s3_storage.S3Storage", "json")


def _commands(service: dict[str, Any]) -> list[list[str]]:
    command = service["command"]
    if command[:2] == ["sh", "-c"]:
        return [shlex.split(part) for part in command[2].split("&&")]
    return [command]


@pytest.mark.parametrize("service", APP_SERVICES)
def test_every_command_of_the_app_services_exists(service):
    ours = get_commands()
    for argv in _commands(COMPOSE["services"][service]):
        if argv[0] == "datacollab":
            assert argv[1] in ours
        else:
            # gunicorn --config /opt/deploy/X, python /opt/deploy/X: files the image copies.
            paths = [a for a in argv if a.startswith("/opt/deploy/")]
            assert paths and all((ROOT / "deploy" / Path(p).name).exists() for p in paths)
            assert all(Path(p).name in DOCKERFILE for p in paths)


def test_dockerfile_builds_on_debian_slim_python_311_and_runs_as_a_user():
    stages = re.findall(r"^FROM (\S+)", DOCKERFILE, flags=re.MULTILINE)
    base = re.findall(r"^ARG BASE_IMAGE=(\S+)", DOCKERFILE, flags=re.MULTILINE)
    users = re.findall(r"^USER (\S+)", DOCKERFILE, flags=re.MULTILINE)
    assert (base, stages, users) == (
        ["python:3.11-slim-bookworm"],
        ["${BASE_IMAGE}"] * 2,
        ["datacollab"],
    )
    assert re.search(r"^HEALTHCHECK .*\n.*/health/live", DOCKERFILE, flags=re.MULTILINE)
    assert "-c constraints.txt" in DOCKERFILE
    assert re.search(r"^CMD \[\"gunicorn\", \"--config\"", DOCKERFILE, flags=re.MULTILINE)


def test_dockerfile_copies_only_files_that_exist():
    sources = []
    for line in re.findall(r"^COPY (?!--from)(.+)$", DOCKERFILE, flags=re.MULTILINE):
        sources += line.split()[:-1]
    assert sources and [s for s in sources if not (ROOT / s).exists()] == []


def test_dockerignore_keeps_secrets_and_the_working_tree_out():
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    assert {"deploy/*.env", ".git", ".venv", "var"} <= set(ignored)


def test_gunicorn_config_is_valid():
    done = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--check-config", "-c", "deploy/gunicorn.conf.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr


def test_create_bucket_makes_the_bucket_once(monkeypatch, capsys):
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        for name, value in {
            "AWS_STORAGE_BUCKET_NAME": "compose-bucket",
            "AWS_S3_ENDPOINT_URL": f"http://{host}:{port}",
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
        }.items():
            monkeypatch.setenv(name, value)
        script = runpy.run_path(str(ROOT / "deploy" / "create_bucket.py"))
        outcomes = [script["main"](), script["main"]()]
        buckets = boto3.client("s3", endpoint_url=f"http://{host}:{port}").list_buckets()
    finally:
        server.stop()
    # moto keeps one store per process: other tests' buckets may be there too.
    names = [b["Name"] for b in buckets["Buckets"]]
    assert (outcomes, names.count("compose-bucket")) == ([0, 0], 1)
    assert capsys.readouterr().out.splitlines() == [
        "bucket compose-bucket: created",
        "bucket compose-bucket: exists",
    ]
