"""The independent Cassandra client of the sink tests (DataStax's Python driver, cassandra-driver on PyPI).

Reads {"statements": [...], "query": "..."} as JSON on stdin, runs the statements in order, then the
query, and prints the query's rows as a JSON list (timestamps as epoch milliseconds).
usage: python3 test/cassandra/cql.py HOST PORT USER PASSWORD < request.json
"""
import datetime
import json
import sys

from cassandra.auth import PlainTextAuthProvider
from cassandra.cluster import Cluster


def plain(value):
    if isinstance(value, datetime.datetime):
        epoch = datetime.datetime(1970, 1, 1, tzinfo=value.tzinfo)
        return round((value - epoch).total_seconds() * 1000)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def main():
    host, port, user, password = sys.argv[1:5]
    request = json.load(sys.stdin)
    cluster = Cluster([host], port=int(port), auth_provider=PlainTextAuthProvider(user, password))
    session = cluster.connect()
    try:
        for statement in request.get("statements", []):
            session.execute(statement)
        rows = []
        if request.get("query"):
            for row in session.execute(request["query"]):
                rows.append({k: plain(v) for k, v in row._asdict().items()})
        json.dump(rows, sys.stdout)
    finally:
        cluster.shutdown()


main()
