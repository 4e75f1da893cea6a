import pytest

from datacollab.dataplane.engine import DUCKDB, SPARK, engine_for
from datacollab.datasets.models import DatasetVersion

pytestmark = pytest.mark.db_independent


def test_engine_for_default_is_duckdb_whatever_the_size(settings):
    settings.DATA_ENGINE = "duckdb"

    assert engine_for(10**12) == DUCKDB


def test_engine_for_spark_everywhere(settings):
    settings.DATA_ENGINE = "spark"

    assert engine_for(3) == SPARK


@pytest.mark.parametrize(("rows", "expected"), [(999, DUCKDB), (1000, SPARK), (5000, SPARK)])
def test_engine_for_auto_by_row_count(settings, rows, expected):
    settings.DATA_ENGINE = "auto"
    settings.DATA_ENGINE_SPARK_MIN_ROWS = 1000

    assert engine_for(rows) == expected


def test_engine_for_auto_reads_the_versions_row_count(settings):
    settings.DATA_ENGINE = "auto"
    settings.DATA_ENGINE_SPARK_MIN_ROWS = 1000
    version = DatasetVersion(row_count=1000)  # unsaved: only its row count is read

    assert engine_for(version) == SPARK
