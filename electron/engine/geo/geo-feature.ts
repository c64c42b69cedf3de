import { WorkbenchError } from '../../../shared/errors.js';
import { tileLayerSchema, tileOrigin, type TileLayer } from '../../../shared/map-tiles.js';
import { SettingsRepo } from '../store/settings-repo.js';
import type { EngineContext, EngineFeature } from '../context.js';
import { ProducersRepo } from '../store/producers-repo.js';
import { GeoWatch } from './geo-watch.js';
import { predictedTrack } from './predicted-track.js';

type GeoMethod = 'geo:watch' | 'geo:unwatch' | 'geo:track' | 'geo:predicted' | 'geo:tiles' | 'geo:saveTiles';
const TILES_KEY = 'mapTileLayer';

/** The map's data: topics followed for coordinates, each a GeoWatch with a bounded buffer. */
export class GeoFeature implements EngineFeature<GeoMethod> {
  private readonly watches = new Map<string, GeoWatch>();

  constructor(private readonly context: EngineContext) {}

  handlers() {
    return {
      'geo:watch': async (stream: GeoWatch['stream']) => {
        // One watch per topic and paths: a second map view reuses it.
        for (const watch of this.watches.values()) {
          if (JSON.stringify(watch.stream) === JSON.stringify(stream) && watch.status().state !== 'error') return watch.status();
        }
        const watch = new GeoWatch(this.context, stream);
        const status = await watch.start();
        if (status.state !== 'error') this.watches.set(watch.id, watch);
        return status;
      },
      'geo:unwatch': async ({ watchId }: { watchId: string }) => {
        const watch = this.watches.get(watchId);
        this.watches.delete(watchId);
        if (watch) await watch.stop();
        return { stopped: watch !== undefined };
      },
      'geo:track': ({ watchId, minutes }: { watchId: string; minutes: number }) => {
        const watch = this.watches.get(watchId);
        if (!watch) throw new WorkbenchError('NOT_FOUND', 'This map stream is no longer followed; open the map again');
        return { status: watch.status(), points: watch.track(minutes) };
      },
      'geo:predicted': (input: { connectionId: string; topic: string; from?: number | undefined; minutes: number; stepSeconds: number }) =>
        predictedTrack(
          new ProducersRepo(this.context.db).list().map((p) => p.definition),
          input,
        ),
      'geo:tiles': () => this.tiles(),
      'geo:saveTiles': (layer: TileLayer) => {
        // Checked when turned on (a template kept while off may be unfinished); the CSP is built from it.
        if (layer.enabled) tileOrigin(layer.urlTemplate);
        const saved = { ...layer, urlTemplate: layer.urlTemplate.trim(), attribution: layer.attribution.trim() };
        new SettingsRepo(this.context.db).set(TILES_KEY, JSON.stringify(saved));
        this.context.events.emit('geo:tiles', saved);
        return saved;
      },
    };
  }

  private tiles(): TileLayer {
    const stored = new SettingsRepo(this.context.db).get(TILES_KEY);
    const parsed = tileLayerSchema.safeParse(stored === null ? {} : JSON.parse(stored));
    return parsed.success ? parsed.data : tileLayerSchema.parse({});
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.watches.values()].map((w) => w.stop()));
    this.watches.clear();
  }
}
