import { WorkbenchError } from '../../../shared/errors.js';
import type { EngineContext, EngineFeature } from '../context.js';
import { GeoWatch } from './geo-watch.js';

type GeoMethod = 'geo:watch' | 'geo:unwatch' | 'geo:track';

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
    };
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.watches.values()].map((w) => w.stop()));
    this.watches.clear();
  }
}
