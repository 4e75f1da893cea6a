"""The data plane's engines: DuckDB in the web process (the default) and Apache Spark.

See docs/operations.md ("The data plane on Spark") for when each runs.
"""
