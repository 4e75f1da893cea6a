"""The migration that structures the free-text `languages` of people into ISO 639-1 codes,
keeping whatever names no language of the list in `languages_note`."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def _targets(executor: MigrationExecutor) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    # By name suffix, so the test survives the lead renumbering the migration.
    (key,) = [k for k in executor.loader.disk_migrations if k[1].endswith("_diversity_fields")]
    before = [d for d in executor.loader.graph.node_map[key].parents if d.key[0] == key[0]]
    latest = executor.loader.graph.leaf_nodes(key[0])
    return [before[0].key], latest


@pytest.mark.usefixtures("audit_triggers_lifted", "transactional_db")
def test_migration_keeps_what_it_matches_as_codes_and_the_rest_as_a_note():
    executor = MigrationExecutor(connection)
    before, after = _targets(executor)
    executor.migrate(before)
    old_user = executor.loader.project_state(before).apps.get_model("organisations", "User")
    old_user.objects.create(
        email="wanjiru@example.org",
        username="wanjiru@example.org",
        languages="English, Kiswahili and some Sheng",
    )
    old_user.objects.create(email="nobody@example.org", username="nobody@example.org")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)

    from datacollab.organisations.models import User

    assert list(
        User.objects.order_by("email").values_list("email", "working_languages", "languages_note")
    ) == [
        ("nobody@example.org", [], ""),
        ("wanjiru@example.org", ["en", "sw"], "some Sheng"),
    ]
