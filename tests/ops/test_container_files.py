"""compose.local.yaml and its local images, checked offline (scripts/container-stack-check.sh
builds and runs them for real; it needs a container engine, so it is not part of the suite)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
BASE = yaml.safe_load((ROOT / "compose.yaml").read_text())
LOCAL = yaml.safe_load((ROOT / "compose.local.yaml").read_text())
LOCAL_BASE = "${BASE_IMAGE:-localhost/bookworm-python:3.11}"


def test_local_override_names_only_services_of_the_stack():
    assert sorted(LOCAL["services"]) == sorted(BASE["services"])


def test_local_override_builds_every_image_from_the_local_base():
    for name, service in LOCAL["services"].items():
        assert service["build"]["args"] == {"BASE_IMAGE": LOCAL_BASE}, name
        dockerfile = ROOT / service["build"].get("dockerfile", "Dockerfile")
        assert dockerfile.exists(), name


def test_local_override_keeps_the_app_services_otherwise_as_in_production():
    # Only how the image is built differs: command, environment, volumes come from compose.yaml.
    for name in ("migrate", "app", "worker"):
        assert list(LOCAL["services"][name]) == ["build"], name


def test_local_images_copy_only_files_that_exist():
    for containerfile in (ROOT / "deploy" / "local").glob("*.Containerfile"):
        text = containerfile.read_text()
        sources = []
        for line in re.findall(r"^COPY (?!--from)(.+)$", text, flags=re.MULTILINE):
            sources += line.split()[:-1]
        assert [s for s in sources if not (ROOT / s).exists()] == [], containerfile.name


def test_dockerignore_keeps_the_files_the_local_images_copy():
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    assert "deploy/local" not in ignored and "constraints.txt" not in ignored


def test_published_port_is_loopback_and_chosen_by_the_environment():
    assert BASE["services"]["app"]["ports"] == ["127.0.0.1:${DATACOLLAB_PORT:-8000}:8000"]


def test_image_runs_its_commands_under_an_init_not_as_pid_1():
    # The upload parser exits when its parent is PID 1 (it reads that as its parent's death).
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.findall(r"^ENTRYPOINT (.+)$", dockerfile, flags=re.MULTILINE) == [
        '["/usr/bin/tini", "--"]'
    ]
