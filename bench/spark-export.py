"""Spark batch export for bench/export-topic.bench.ts: one bounded read of a Kafka topic
(spark.read.format("kafka"), earliest to latest offsets) projected to the columns of the
workbench's topic export (partition, offset, timestamp, key, value, headers), written with
write.parquet (snappy, timestamps as TIMESTAMP_MILLIS like ours).

Input (argv[1], JSON): {"bootstrap", "topic", "out", "jars": [...]}.
Output (stdout, one JSON line): {"sparkVersion", "rows", "startMs", "jobMs"}: startMs is the
SparkSession's start-up, jobMs the read + write (the action), both wall clock in this process.
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

job = json.loads(sys.argv[1])
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
frame.write.mode("overwrite").parquet(job["out"])
job_ms = (time.perf_counter() - job_started) * 1000
rows = spark.read.parquet(job["out"]).count()
_result_out.write(json.dumps({"sparkVersion": pyspark.__version__, "rows": rows, "startMs": session_ms, "jobMs": job_ms}) + "\n")
_result_out.flush()
spark.stop()
