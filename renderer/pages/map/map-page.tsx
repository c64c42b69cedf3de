import { useEffect, useRef, useState } from 'react';
import type { GeoPoint, GeoWatchStatus } from '../../../shared/geo.js';
import { useFollowEvent } from '../../api/use-event.js';
import { useMethodQuery } from '../../api/use-method-query.js';
import { useWorkbench } from '../../api/workbench-context.js';
import { ErrorMessage } from '../../app/error-message.js';
import { ago, readouts } from './geo-readouts.js';
import { WorldMap } from './world-map.js';
import { ClusterName } from '../cluster-name.js';

const MAX_POINTS = 20_000;

/** Points of one stream merged by time; a record seen twice (track and live notice) counts once. */
function mergePoints(a: readonly GeoPoint[], b: readonly GeoPoint[]): GeoPoint[] {
  // The common case, a live notice of newer records: append without re-sorting 10,000 points.
  const last = a.at(-1);
  if (last && b.length > 0 && b.every((p, i) => p.t > last.t && (i === 0 || p.t >= b[i - 1].t))) {
    return [...a, ...b].slice(-MAX_POINTS);
  }
  const byRecord = new Map<string, GeoPoint>();
  for (const p of [...a, ...b]) byRecord.set(`${p.partition}:${p.offset}`, p);
  return [...byRecord.values()].sort((x, y) => x.t - y.t).slice(-MAX_POINTS);
}

interface Source {
  topic: string;
  latitudePath: string;
  longitudePath: string;
  timePath: string;
}
const defaults: Source = {
  topic: 'project_topic',
  latitudePath: 'iss_position.latitude',
  longitudePath: 'iss_position.longitude',
  timePath: 'timestamp',
};

/** Live map of any topic whose records carry latitude/longitude (the ISS tracker of scenario S1). */
export function MapPage({ activeConnectionId }: { activeConnectionId: string | null }) {
  const api = useWorkbench();
  const element = useRef<HTMLDivElement>(null);
  const map = useRef<WorldMap | null>(null);
  const watchRef = useRef<string | null>(null);
  const [form, setForm] = useState<Source>(defaults);
  const [source, setSource] = useState<Source>(defaults);
  const [status, setStatus] = useState<GeoWatchStatus | null>(null);
  const [points, setPoints] = useState<GeoPoint[]>([]);
  const [error, setError] = useState<Error | null>(null);
  const [follow, setFollow] = useState(true);
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    if (!element.current) return undefined;
    const created = new WorldMap(element.current);
    map.current = created;
    return () => {
      created.dispose();
      map.current = null;
    };
  }, []);

  const followPoints = useFollowEvent('geo:points', (payload) => {
    const watchId = payload.watchId;
    setStatus(payload.status);
    if (payload.resync) {
      void api.geo
        .track({ watchId, minutes: 90 })
        .then((track) => {
          if (watchRef.current === watchId) setPoints((live) => mergePoints(track.points, live));
        })
        .catch(() => undefined);
      return;
    }
    setPoints((all) => mergePoints(all, payload.points));
  });

  useEffect(() => {
    if (activeConnectionId === null) return undefined;
    let cancelled = false;
    watchRef.current = null;
    setPoints([]);
    setStatus(null);
    setError(null);
    api.geo
      .watch({ connectionId: activeConnectionId, ...source })
      .then(async (started) => {
        if (cancelled) {
          // The user switched topic while this watch was starting: release it at once.
          void api.geo.unwatch({ watchId: started.watchId }).catch(() => undefined);
          return;
        }
        watchRef.current = started.watchId;
        // Points from now on, then the track so far (the watch keeps it): none is missed in between.
        followPoints(started.watchId);
        setStatus(started);
        const track = await api.geo.track({ watchId: started.watchId, minutes: 90 });
        if (!cancelled) setPoints((live) => mergePoints(track.points, live));
      })
      .catch((e: unknown) => {
        if (!cancelled) setError(e instanceof Error ? e : new Error(String(e)));
      });
    return () => {
      cancelled = true;
      followPoints(null);
      const watchId = watchRef.current;
      watchRef.current = null;
      if (watchId !== null) void api.geo.unwatch({ watchId }).catch(() => undefined);
    };
  }, [api, activeConnectionId, source, followPoints]);

  useEffect(() => {
    map.current?.show(points, follow);
  }, [points, follow]);

  // The next orbit when an offline SGP4 producer writes this topic; re-predicted from "now" every minute.
  const predicted = useMethodQuery(
    'geo:predicted',
    { connectionId: activeConnectionId ?? '', topic: source.topic },
    { enabled: activeConnectionId !== null, refetchInterval: 60_000 },
  );
  useEffect(() => {
    map.current?.showPredicted(predicted.data?.points ?? []);
  }, [predicted.data]);

  const tiles = useMethodQuery('geo:tiles', undefined);
  useEffect(() => {
    map.current?.setTiles(tiles.data?.enabled ? tiles.data : null);
  }, [tiles.data]);

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);

  const r = readouts(points, now);
  return (
    <section className="page map-page" data-testid="map-page">
      <div className="page-header">
        <h1>Map</h1>
        {activeConnectionId !== null && <ClusterName connectionId={activeConnectionId} />}
        <label className="inline">
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> Follow
        </label>
      </div>
      {activeConnectionId === null && <p className="note">Choose a connection to follow a topic on the map.</p>}
      <form
        className="map-source"
        onSubmit={(e) => {
          e.preventDefault();
          setSource(form);
        }}
      >
        <label>
          Topic
          <input value={form.topic} onChange={(e) => setForm({ ...form, topic: e.target.value })} />
        </label>
        <label>
          Latitude path
          <input value={form.latitudePath} onChange={(e) => setForm({ ...form, latitudePath: e.target.value })} />
        </label>
        <label>
          Longitude path
          <input value={form.longitudePath} onChange={(e) => setForm({ ...form, longitudePath: e.target.value })} />
        </label>
        <label>
          Time path
          <input value={form.timePath} onChange={(e) => setForm({ ...form, timePath: e.target.value })} />
        </label>
        <button type="submit">Follow topic</button>
      </form>
      <ErrorMessage error={error} />
      {status?.state === 'error' && (
        <p className="error" role="alert">
          {status.lastError}
        </p>
      )}
      <dl className="facts cards map-readouts" data-testid="map-readouts">
        <div>
          <dt>Position</dt>
          <dd className="mono">{r ? `${r.lat.toFixed(4)}, ${r.lon.toFixed(4)}` : '—'}</dd>
        </div>
        <div>
          <dt>Ground speed</dt>
          <dd>{r?.speedKmh == null ? '—' : `${Math.round(r.speedKmh).toLocaleString()} km/h`}</dd>
        </div>
        <div>
          <dt>Altitude</dt>
          <dd>{r?.altKm == null ? '—' : `${r.altKm.toFixed(0)} km`}</dd>
        </div>
        <div>
          <dt>Last record</dt>
          <dd className={r?.stale ? 'stale' : undefined} data-testid="map-age">
            {r ? `${new Date(r.at).toISOString().slice(11, 19)} UTC · ${ago(r.ageSeconds)}` : 'waiting for records…'}
          </dd>
        </div>
        <div>
          <dt>Points</dt>
          <dd data-testid="map-points">
            {points.length}
            {status && status.skipped > 0 ? ` (${status.skipped} skipped)` : ''}
          </dd>
        </div>
      </dl>
      {predicted.data?.producer && (
        <p className="note" data-testid="map-predicted">
          Dashed: the next {Math.round(((predicted.data.points.at(-1)?.t ?? 0) - (predicted.data.points[0]?.t ?? 0)) / 60_000)} minutes
          predicted by SGP4 from the TLE of “{predicted.data.producer}”
          {predicted.data.tleEpoch ? ` (elements of ${predicted.data.tleEpoch.slice(0, 10)})` : ''}.
        </p>
      )}
      <div className="world-map" ref={element} data-testid="world-map" />
    </section>
  );
}
