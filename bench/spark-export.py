"""Spark batch export for bench/export-topic.ts: one bounded read of a Kafka topic
(spark.read.format("kafka"), earliest to latest offsets) projected to the columns of the
workbench's topic export (partition, offset, timestamp, key, value, headers), written with
write.parquet (snappy, timestamps as TIMESTAMP_MILLIS like ours).

Input (stdin): one JSON line {"bootstrap", "topic", "jars": [...]}, then one command a line:
'run {"out": folder}' runs the export in the same session (one JVM for every run of the benchmark),
"stop" (or the end of stdin) ends.
Output (stdout, JSON lines): {"sparkVersion", "startMs"} once the session is up (startMs: its
start-up, wall clock in this process), then {"rows", "jobMs"} per run: jobMs is the read + write
(the action), rows what Spark reads back from the files.
"""

import json
import os
import sys
import time

# The JVM inherits fd 1: keep a private copy of stdout for the result, send everything else to stderr.
_result_out = os.fdopen(os.dup(1), "w")
os.dup2(2, 1)
sys.stdout = sys.stderr

import pyspark  # noqa: E402
from pyspark.sql import SparkSession  # noqa: E402
from pyspark.sql import functions as F  # noqa: E402

job = json.loads(sys.stdin.readline())
started = time.perf_counter()
spark = (
    SparkSession.builder.master("local[2]")
    .appName("kwb-bench-export")
    .config("spark.jars", ",".join(job["jars"]))
    .config("spark.ui.enabled", "false")
    .config("spark.sql.shuffle.partitions", "2")
    .config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MILLIS")
    .config("spark.sql.parquet.compression.codec", "snappy")
    .getOrCreate()
)
spark.sparkContext.setLogLevel("WARN")
session_ms = (time.perf_counter() - started) * 1000
_result_out.write(json.dumps({"sparkVersion": pyspark.__version__, "startMs": session_ms}) + "\n")
_result_out.flush()


def export(out):
    job_started = time.perf_counter()
    frame = (
        spark.read.format("kafka")
        .option("kafka.bootstrap.servers", job["bootstrap"])
        .option("subscribe", job["topic"])
        .option("startingOffsets", "earliest")
        .option("endingOffsets", "latest")
        .option("includeHeaders", "true")
        .load()
        .select(
            F.col("partition").cast("int").alias("partition"),
            F.col("offset").alias("offset"),
            F.col("timestamp").alias("timestamp"),
            F.col("key").cast("string").alias("key"),
            F.col("value").cast("string").alias("value"),
            # Headers as a JSON object, null when the record has none (the workbench's headers column).
            F.when(F.size("headers") > 0, F.to_json(F.map_from_entries(F.expr("transform(headers, h -> struct(h.key, cast(h.value as string)))")))).alias("headers"),
        )
    )
    frame.write.mode("overwrite").parquet(out)
    job_ms = (time.perf_counter() - job_started) * 1000
    rows = spark.read.parquet(out).count()
    _result_out.write(json.dumps({"rows": rows, "jobMs": job_ms}) + "\n")
    _result_out.flush()


for line in sys.stdin:
    command, _, args = line.strip().partition(" ")
    if command == "stop" or command == "":
        break
    if command != "run":
        raise RuntimeError(f"unknown command {command!r}")
    export(json.loads(args)["out"])
spark.stop()
