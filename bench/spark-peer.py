"""Spark Structured Streaming as the peer of the pipeline benchmarks (bench/spark.ts runs it): the
benchmark pipeline's query (oracle.aggregated_frame, the query the Spark oracle of the tests runs:
Kafka source, JSON columns, watermark, window and group keys, aggregates), local[2], with a
foreachBatch sink that upserts each batch's update rows into a SQLite table keyed by window x group
in one transaction (the engine keeps its results in SQLite the same way: WAL, synchronous=NORMAL).

Input: one JSON line on stdin: {"mode": "pipeline" | "latency", "bootstrap", "jars", "sparkVersion",
  "case": {topic, columns, window, watermarkDelayMs, groupBy, aggregates, outputMode},
  "shufflePartitions", "timeoutMs",
  pipeline: "records": n (the default of each query's "records"),
  latency: nothing more; the query reads from the latest offsets until stdin says "stop".}
  Then, in pipeline mode, one command a line: 'run {"queries": [{"name", "maxOffsetsPerTrigger"?,
  "records"?: n}]}' runs the queries one after the other in the same session (each from earliest
  until it read n records, with its own checkpoint and table), "stop" (or the end of stdin) ends.
Output (stdout, JSON lines): {"up": epoch ms when the session was up, "jvmPid"}, then
  pipeline: per run, one {"query": name, "startedAt", "committedAt", "batches", "inputRows", "endOffsets"
    (up to which the table holds records), "vmHwmKiB" (so far: start-up and every run before),
    "final": [[window start ms, group JSON, values JSON], ...]} per query, then {"ran": run number};
  latency: {"ready": true} once the first (empty) batch committed, {"rows": [...]} per batch after its
    rows were written, and {"stopped": true, "batches", "vmHwmKiB"} at the end.
Times are epoch ms (the same clock as the Node side's Date.now()).
"""

import json
import os
import shutil
import sqlite3
import sys
import tempfile
import threading
import time
from datetime import datetime

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "spark"))
import oracle  # noqa: E402  (also points fd 1 at stderr: Spark's logs cannot corrupt the output)


def log(message):
    print(f"[spark-peer] {message}", file=sys.stderr, flush=True)


def emit(doc):
    oracle.result_out.write(json.dumps(doc) + "\n")
    oracle.result_out.flush()


def epoch_ms(iso):
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() * 1000


def vm_hwm_kib(pid):
    """The JVM's peak resident set (VmHWM) so far: Spark local[2] runs driver and executor in it."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return None


class SqliteSink:
    """foreachBatch: the batch's rows upserted by window x group, one transaction per batch."""

    def __init__(self, path, group_by, on_rows=None):
        self.db = sqlite3.connect(path, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode = WAL")
        self.db.execute("PRAGMA synchronous = NORMAL")
        self.db.execute(
            "CREATE TABLE results (window_start INTEGER, window_end INTEGER, group_json TEXT, values_json TEXT,"
            " batch INTEGER, PRIMARY KEY (window_start, group_json))"
        )
        self.group_by = group_by
        self.on_rows = on_rows
        self.last_batch = None

    def write(self, batch_df, batch_id):
        rows = oracle.plain(batch_df)
        records = []
        for row in rows:
            window = row.pop("window")
            group = {g: row.pop(g) for g in self.group_by}
            records.append((window["start"], window["end"], json.dumps(group), json.dumps(row), batch_id))
        with self.db:
            self.db.executemany(
                "INSERT INTO results VALUES (?, ?, ?, ?, ?) ON CONFLICT (window_start, group_json)"
                " DO UPDATE SET window_end = excluded.window_end, values_json = excluded.values_json, batch = excluded.batch",
                records,
            )
        self.last_batch = batch_id
        if self.on_rows is not None:
            self.on_rows([{**json.loads(g), **json.loads(v)} for (_, _, g, v, _) in records])

    def final(self):
        return [list(r) for r in self.db.execute("SELECT window_start, group_json, values_json FROM results ORDER BY 1, 2")]


class Progress:
    """Every query's progress as Spark posts it (after the batch committed), without polling the JVM."""

    def __init__(self):
        self.lock = threading.Condition()
        self.by_query = {}

    def add(self, progress):
        with self.lock:
            self.by_query.setdefault(str(progress.id), []).append(json.loads(progress.json))
            self.lock.notify_all()

    def wait(self, query, until, timeout_s):
        deadline = time.monotonic() + timeout_s
        with self.lock:
            while True:
                error = query.exception()
                if error is not None:
                    raise RuntimeError(f"query failed: {error}")
                found = until(self.by_query.get(str(query.id), []))
                if found is not None:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise RuntimeError("timed out")
                self.lock.wait(min(left, 0.5))


def listener(progress):
    from pyspark.sql.streaming import StreamingQueryListener

    class Listener(StreamingQueryListener):
        def onQueryStarted(self, event):
            pass

        def onQueryProgress(self, event):
            progress.add(event.progress)

        def onQueryIdle(self, event):
            pass

        def onQueryTerminated(self, event):
            pass

    return Listener()


def written_up_to(checkpoint, batch_id):
    """The source offsets the sink's table holds records up to: the end offsets of the last batch it
    wrote, from the checkpoint's offset log (written before the batch ran). The query may run one more
    batch after the one that reached the target before stop() takes effect."""
    with open(os.path.join(checkpoint, "offsets", str(batch_id))) as log_file:
        lines = log_file.read().splitlines()
    # "v1", the batch's metadata, then one line per source: {"topic": {"partition": offset}}.
    return oracle.offsets(lines[2])


def run_pipeline(spark, job, work, progress, jvm_pid):
    """Runs each "run" command's queries in this session: one JVM for every run of a benchmark."""
    for run, line in enumerate(sys.stdin):
        command, _, args = line.strip().partition(" ")
        if command == "stop" or command == "":
            break
        if command != "run":
            raise RuntimeError(f"unknown command {command!r}")
        run_dir = os.path.join(work, f"run-{run}")
        os.mkdir(run_dir)
        run_queries(spark, job, json.loads(args)["queries"], run_dir, progress, jvm_pid)
        shutil.rmtree(run_dir, ignore_errors=True)
        emit({"ran": run})


def run_queries(spark, job, queries, work, progress, jvm_pid):
    case = job["case"]
    for i, spec in enumerate(queries):
        n = spec.get("records") or job["records"]
        sink = SqliteSink(os.path.join(work, f"results-{i}.sqlite"), case.get("groupBy", []))
        checkpoint = os.path.join(work, f"checkpoint-{i}")
        df = oracle.aggregated_frame(spark, job["bootstrap"], {**case, "maxOffsetsPerTrigger": spec.get("maxOffsetsPerTrigger")})
        started_at = time.time() * 1000
        query = (
            df.writeStream.outputMode(case["outputMode"])
            .option("checkpointLocation", checkpoint)
            .foreachBatch(sink.write)
            .start()
        )

        def reached(batches):
            total = 0
            for p in batches:
                total += p["numInputRows"]
                if total >= n:
                    return p, total, sum(1 for b in batches if b["numInputRows"] > 0)
            return None

        try:
            last, total, batches = progress.wait(query, reached, job.get("timeoutMs", 600_000) / 1000)
        finally:
            query.stop()
        committed_at = epoch_ms(last["timestamp"]) + last["durationMs"]["triggerExecution"]
        log(f"{spec['name']}: {total} rows in {batches} batches, {committed_at - started_at:.0f} ms after start()")
        emit({
            "query": spec["name"],
            "startedAt": started_at,
            "committedAt": committed_at,
            "batches": batches,
            "inputRows": total,
            "endOffsets": written_up_to(checkpoint, sink.last_batch),
            "vmHwmKiB": vm_hwm_kib(jvm_pid),
            "final": sink.final(),
        })
        sink.db.close()


def run_latency(spark, job, work, progress, jvm_pid):
    case = job["case"]
    sink = SqliteSink(os.path.join(work, "results.sqlite"), case.get("groupBy", []), lambda rows: emit({"rows": rows}))
    df = oracle.aggregated_frame(spark, job["bootstrap"], case, starting_offsets="latest")
    query = (
        df.writeStream.outputMode(case["outputMode"])
        .option("checkpointLocation", os.path.join(work, "checkpoint"))
        .trigger(processingTime="0 seconds")
        .foreachBatch(sink.write)
        .start()
    )
    try:
        progress.wait(query, lambda batches: True if batches else None, job.get("timeoutMs", 600_000) / 1000)
        emit({"ready": True})
        for line in sys.stdin:
            if line.strip() == "stop":
                break
        batches = len(progress.by_query.get(str(query.id), []))
    finally:
        query.stop()
    emit({"stopped": True, "batches": batches, "vmHwmKiB": vm_hwm_kib(jvm_pid)})


def main():
    job = json.loads(sys.stdin.readline())
    jars = oracle.check_install(job)
    work = tempfile.mkdtemp(prefix="kwb-spark-peer-")
    try:
        spark = oracle.session(jars, work, "kwb-spark-peer", job.get("shufflePartitions", 2))
        jvm_pid = spark.sparkContext._jvm.java.lang.ProcessHandle.current().pid()
        emit({"up": time.time() * 1000, "jvmPid": jvm_pid})
        progress = Progress()
        spark.streams.addListener(listener(progress))
        try:
            (run_pipeline if job["mode"] == "pipeline" else run_latency)(spark, job, work, progress, jvm_pid)
        finally:
            spark.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
