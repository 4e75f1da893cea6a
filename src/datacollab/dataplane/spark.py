"""One SparkSession per process, built from settings.

Spark starts a JVM (about 5 to 10 s), so the session is built once, on first use, and kept.
`SPARK_MASTER` names the cluster: `local[N]` runs Spark inside this process's JVM (tests,
benchmarks, one machine); `spark://host:7077` or `k8s://...` sends the work to a cluster.
"""

from __future__ import annotations

import os
import shutil
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

_lock = threading.Lock()
_session: SparkSession | None = None


def java_home() -> str | None:
    """JAVA_HOME if set, else the JDK that `java` on the PATH belongs to (Debian's packages)."""
    if os.environ.get("JAVA_HOME"):
        return os.environ["JAVA_HOME"]
    java = shutil.which("java")
    if java is None:
        return None
    return str(Path(java).resolve().parent.parent)


def session() -> SparkSession:
    """The process's SparkSession (built on first call)."""
    global _session
    with _lock:
        if _session is None:
            _session = _build()
        return _session


def _build() -> SparkSession:
    home = java_home()
    if home is None:
        raise RuntimeError("Spark needs Java 17 or later: install openjdk-17-jre-headless.")
    os.environ.setdefault("JAVA_HOME", home)
    master = getattr(settings, "SPARK_MASTER", "local[2]")
    if master.startswith("local"):
        # A local Spark listens only on loopback, like every server we start.
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        # Python workers (data sources, dataplane/spark_source.py) run this interpreter, with
        # its pyarrow, not whatever `python3` is first on the PATH.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    builder = (
        SparkSession.builder.master(master)
        .appName("datacollab")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.ansi.enabled", "true")
        # Small inputs on two cores: Spark's default of 200 shuffle partitions is pure overhead.
        .config(
            "spark.sql.shuffle.partitions", str(getattr(settings, "SPARK_SHUFFLE_PARTITIONS", 8))
        )
        .config("spark.driver.memory", getattr(settings, "SPARK_DRIVER_MEMORY", "2g"))
    )
    if master.startswith("local"):
        builder = builder.config("spark.driver.host", "127.0.0.1").config(
            "spark.driver.bindAddress", "127.0.0.1"
        )
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    return spark


def stop() -> None:
    """Stop the session (tests and benchmarks that want the JVM gone)."""
    global _session
    with _lock:
        if _session is not None:
            _session.stop()
            _session = None
