"""A local PySpark session configured the way Splink needs it (see RECIPES.md "Splink 5")."""

from __future__ import annotations

import os
import tempfile
from functools import cache
from typing import Any


@cache
def local_spark_session() -> Any:
    """local[2] with 8 shuffle partitions (the default 200 is slow for one machine), Splink's
    string-similarity jar, no UI, and a checkpoint directory (Splink fails without one).

    Children's data stays on this machine: the driver listens on loopback only, unless
    REUNITE_SPARK_HOST names another address (a cluster the operator has chosen)."""
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    session = (
        SparkSession.builder.master("local[2]")
        .appName("reunite-linkage")
        .config("spark.driver.host", os.environ.get("REUNITE_SPARK_HOST", "127.0.0.1"))
        .config("spark.driver.bindAddress", os.environ.get("REUNITE_SPARK_HOST", "127.0.0.1"))
        .config("spark.driver.memory", "2g")
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.default.parallelism", "8")
        .config("spark.jars", similarity_jar_location())
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    session.sparkContext.setCheckpointDir(tempfile.mkdtemp(prefix="reunite-spark-checkpoints-"))
    return session
