"""PySpark oracle for the pipeline tests: runs Spark Structured Streaming queries over Kafka topics
and prints, per micro-batch, what Spark did (progress figures and the rows the sink received).

Input (stdin, JSON): {"bootstrap": "host:port", "jars": [paths of the Kafka source jars],
  "sparkVersion"?: the pyspark release expected, "idleMs"?: 3000, "timeoutMs"?: 300000,
  "shufflePartitions"?: 1, "cases": [{name, topic, maxOffsetsPerTrigger?, columns,
  window?, watermarkDelayMs?, groupBy?, aggregates, outputMode, allowMultiple?}]}
Output (stdout, one JSON document): {"sparkVersion", "cases": [{"name", "batches": [...]}]}.
Everything else (Spark's and the JVM's logs) goes to stderr. test/spark/spark-oracle.ts types both.

The topic is written before the query starts, so the batches are deterministic: the Kafka source
cuts them by maxOffsetsPerTrigger (prorated over partitions by lag), and no-data batches follow
only from the watermark. A query stops once it read up to the latest offsets and ran no batch for
idleMs, so the trailing no-data batch (spark.sql.streaming.noDataMicroBatches.enabled) is captured.
"""

import json
import os
import shutil
import sys
import tempfile
import threading
import time
from datetime import datetime

# Spark's launcher and JVM inherit fd 1: point it at stderr and keep a private copy of the real
# stdout for the result, so no log line can corrupt the JSON.
result_out = os.fdopen(os.dup(1), "w")
os.dup2(2, 1)
sys.stdout = sys.stderr


def log(message):
    print(f"[spark-oracle] {message}", file=sys.stderr, flush=True)


def fail(message):
    log(message)
    sys.exit(2)


try:
    import pyspark
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    _import_error = None
except ImportError as error:
    _import_error = error


def column_expr(spec):
    """A typed column from the record value's JSON (get_json_object returns the field as a string)."""
    raw = F.get_json_object(F.col("value_str"), "$." + spec["path"])
    kind = spec["type"]
    types = {"string": T.StringType(), "int": T.LongType(), "double": T.DoubleType()}
    if kind == "timestamp":
        fmt = spec.get("timestampFormat", "epoch-ms")
        if fmt == "epoch-ms":
            return F.timestamp_millis(raw.cast("long"))
        if fmt == "iso":
            return F.to_timestamp(raw)
        raise ValueError(f"unknown timestampFormat {fmt!r}")
    if kind not in types:
        raise ValueError(f"unknown column type {kind!r}")
    return raw.cast(types[kind])


def aggregate_expr(spec):
    fn, column = spec["fn"], spec.get("column")
    if fn == "count":
        # count without a column is count(*): every row, nulls included.
        expr = F.count(F.lit(1)) if column is None else F.count(F.col(column))
    elif fn in ("sum", "avg", "min", "max"):
        if column is None:
            raise ValueError(f"{fn} needs a column")
        expr = getattr(F, fn)(F.col(column))
    else:
        raise ValueError(f"unknown aggregate {fn!r}")
    return expr.alias(spec["as"])


def plain(df):
    """The batch's rows as JSON-ready columns: windows as {start, end} and timestamps as epoch ms."""
    cols = []
    for field in df.schema.fields:
        name = field.name
        if name == "window":
            cols += [F.unix_millis(F.col("window.start")).alias("__ws"), F.unix_millis(F.col("window.end")).alias("__we")]
        elif isinstance(field.dataType, T.TimestampType):
            cols.append(F.unix_millis(F.col(name)).alias(name))
        else:
            cols.append(F.col(name))
    out = []
    for row in df.select(*cols).collect():
        d = row.asDict()
        if "__ws" in d:
            d = {"window": {"start": d.pop("__ws"), "end": d.pop("__we")}, **d}
        out.append(d)
    return out


def epoch_ms(iso):
    # Progress timestamps are UTC, e.g. "2024-01-01T00:00:05.000Z".
    return int(datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() * 1000) if iso else None


def offsets(value):
    """A source offset from the progress ({"topic": {"0": 12}} as JSON text) as {partition: offset}."""
    if value is None:
        return None
    parsed = json.loads(value) if isinstance(value, str) else value
    merged = {}
    for per_topic in parsed.values():
        merged.update({str(p): o for p, o in per_topic.items()})
    return merged


def aggregated_frame(spark, bootstrap, case, starting_offsets="earliest"):
    """The case's streaming query up to its sink: Kafka source, JSON columns, watermark, window and
    group keys, aggregates (bench/spark-peer.py runs the same query as the benchmarks' Spark peer)."""
    reader = (
        spark.readStream.format("kafka")
        .option("kafka.bootstrap.servers", bootstrap)
        .option("subscribe", case["topic"])
        .option("startingOffsets", starting_offsets)
    )
    if case.get("maxOffsetsPerTrigger") is not None:
        reader = reader.option("maxOffsetsPerTrigger", str(case["maxOffsetsPerTrigger"]))
    df = reader.load().select(F.col("value").cast("string").alias("value_str"))
    df = df.select(*[column_expr(c).alias(c["column"]) for c in case["columns"]])
    window = case.get("window")
    if case.get("watermarkDelayMs") is not None:
        if not window:
            raise ValueError(f"case {case['name']}: watermarkDelayMs needs a window column")
        df = df.withWatermark(window["column"], f"{int(case['watermarkDelayMs'])} milliseconds")
    keys = []
    if window:
        duration = f"{int(window['durationMs'])} milliseconds"
        slide = f"{int(window.get('slideMs') or window['durationMs'])} milliseconds"
        keys.append(F.window(F.col(window["column"]), duration, slide))
    keys += [F.col(g) for g in case.get("groupBy", [])]
    df = df.groupBy(*keys).agg(*[aggregate_expr(a) for a in case["aggregates"]])
    return df


class CaseRun:
    def __init__(self, spark, job, case, checkpoint):
        self.case = case
        self.rows = {}  # batch id → rows the sink received
        self.lock = threading.Lock()
        self.last_activity = time.monotonic()
        self.seen_batch = None
        df = aggregated_frame(spark, job["bootstrap"], case)
        # allowMultiple is read when the query starts (the query clones the session's conf), so
        # setting it just before start() applies it to this query only.
        spark.conf.set("spark.sql.streaming.statefulOperator.allowMultiple", "true" if case.get("allowMultiple", True) else "false")
        self.query = (
            df.writeStream.outputMode(case["outputMode"])
            .option("checkpointLocation", checkpoint)
            .queryName(f"oracle_{case['name']}".replace("-", "_").replace(" ", "_"))
            .foreachBatch(self.on_batch)
            .start()
        )

    def on_batch(self, batch_df, batch_id):
        rows = plain(batch_df)
        with self.lock:
            self.rows[batch_id] = rows
            self.last_activity = time.monotonic()

    def finished(self, idle_s):
        """Read up to the latest offsets, no trigger running, and no batch for idle_s.

        The idle time counts from the last batch's progress, which Spark posts when the batch
        committed; a no-data batch due to a moved watermark starts right after (trigger interval 0).
        """
        progress = self.query.lastProgress
        now = time.monotonic()
        if progress and progress["batchId"] != self.seen_batch:
            self.seen_batch = progress["batchId"]
            with self.lock:
                self.last_activity = now
        if not progress or not progress.get("sources") or not self.rows:
            return False
        source = progress["sources"][0]
        latest, end = offsets(source.get("latestOffset")), offsets(source.get("endOffset"))
        if latest is None or latest != end or self.query.status["isTriggerActive"]:
            return False
        with self.lock:
            return now - self.last_activity >= idle_s

    def result(self):
        # One progress per executed batch; keep the first per id (an idle query may report again).
        progress = {}
        for p in self.query.recentProgress:
            progress.setdefault(p["batchId"], p)
        batches = []
        took = [progress[b]["durationMs"].get("triggerExecution", 0) for b in sorted(self.rows) if b in progress]
        log(f"case {self.case['name']}: {len(self.rows)} batches, triggers took {sum(took)} ms ({', '.join(map(str, took))})")
        for batch_id in sorted(self.rows):
            p = progress.get(batch_id)
            if p is None:
                raise RuntimeError(f"case {self.case['name']}: no progress for batch {batch_id}")
            state = (p.get("stateOperators") or [{}])[0]
            source = (p.get("sources") or [{}])[0]
            batches.append({
                "batchId": batch_id,
                "numInputRows": p["numInputRows"],
                "watermarkMs": epoch_ms((p.get("eventTime") or {}).get("watermark")),
                "numRowsDroppedByWatermark": state.get("numRowsDroppedByWatermark", 0),
                "numRowsTotal": state.get("numRowsTotal", 0),
                "numRowsUpdated": state.get("numRowsUpdated", 0),
                "numRowsRemoved": state.get("numRowsRemoved", 0),
                "startOffsets": offsets(source.get("startOffset")),
                "endOffsets": offsets(source.get("endOffset")),
                "rows": self.rows[batch_id],
            })
        return {"name": self.case["name"], "batches": batches}


def session(jars, work, app, shuffle_partitions):
    """A local[2] SparkSession with the Kafka source jars, UTC, no UI, scratch files under work."""
    spark = (
        SparkSession.builder.master("local[2]")
        .appName(app)
        .config("spark.jars", ",".join(jars))
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.streaming.numRecentProgressUpdates", "100000")
        .config("spark.local.dir", os.path.join(work, "local"))
        .config("spark.driver.extraJavaOptions", "-Duser.timezone=UTC")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def check_install(job):
    """The job's jars; fails with what to run when pyspark is missing or another release, or a jar is missing."""
    wanted = job.get("sparkVersion")
    if _import_error is not None:
        fail(f"pyspark is not installed ({_import_error}); run: python3 -m pip install 'pyspark=={wanted or '3.5.*'}'")
    if wanted and pyspark.__version__ != wanted:
        fail(f"pyspark {pyspark.__version__} is installed, the tests pin {wanted}; run: python3 -m pip install 'pyspark=={wanted}'")
    jars = job.get("jars") or []
    missing = [j for j in jars if not os.path.isfile(j)]
    if not jars or missing:
        fail(f"Spark's Kafka source jars are missing ({', '.join(missing) or 'none given'}); run: npx tsx scripts/fetch-spark.ts")
    return jars


def main():
    job = json.load(sys.stdin)
    jars = check_install(job)
    idle_s = job.get("idleMs", 3000) / 1000
    deadline = time.monotonic() + job.get("timeoutMs", 300_000) / 1000
    names = [c["name"] for c in job["cases"]]
    if len(set(names)) != len(names):
        fail("case names must be unique")

    work = tempfile.mkdtemp(prefix="kwb-spark-oracle-")
    started = time.monotonic()
    # One shuffle partition: per-partition state store work dominates tiny batches (2 partitions
    # made a 2-query run ~15 % slower), and the results do not depend on it: state metrics are
    # totals, and partial aggregation (what numRowsDroppedByWatermark counts) happens per Kafka
    # partition, before the shuffle.
    spark = session(jars, work, "kwb-spark-oracle", job.get("shufflePartitions", 1))
    log(f"Spark {spark.version} up in {time.monotonic() - started:.1f} s")
    runs = []
    try:
        # All queries at once: they share the 2 local cores, and their idle waits overlap.
        runs = [CaseRun(spark, job, case, os.path.join(work, f"checkpoint-{i}")) for i, case in enumerate(job["cases"])]
        pending = list(runs)
        while pending:
            for run in list(pending):
                error = run.query.exception()
                if error is not None:
                    raise RuntimeError(f"case {run.case['name']}: query failed: {error}")
                if run.finished(idle_s):
                    run.query.stop()
                    pending.remove(run)
            if time.monotonic() > deadline:
                raise RuntimeError(f"timed out with cases still running: {', '.join(r.case['name'] for r in pending)}")
            time.sleep(0.2)
        result = {"sparkVersion": spark.version, "cases": [run.result() for run in runs]}
    finally:
        for run in runs:
            if run.query.isActive:
                run.query.stop()
        spark.stop()
        shutil.rmtree(work, ignore_errors=True)
    log(f"{len(runs)} case(s) done in {time.monotonic() - started:.1f} s")
    json.dump(result, result_out)
    result_out.write("\n")
    result_out.flush()


if __name__ == "__main__":
    main()
