import { z } from 'zod';
import { method, none } from './define.js';
import { tileLayerSchema } from './map-tiles.js';

/** Where the coordinates are in each record (dotted paths into the JSON value). Defaults fit Open Notify. */
export const geoStreamSchema = z.object({
  connectionId: z.string().min(1).max(64),
  topic: z.string().min(1).max(249),
  latitudePath: z.string().min(1).max(200).default('iss_position.latitude'),
  longitudePath: z.string().min(1).max(200).default('iss_position.longitude'),
  /** Epoch seconds, epoch ms or ISO; empty = the Kafka record timestamp. */
  timePath: z.string().max(200).default('timestamp'),
  altitudePath: z.string().max(200).default(''),
});
export type GeoStream = z.infer<typeof geoStreamSchema>;

export const geoPointSchema = z.object({
  /** Event time, epoch ms. */
  t: z.number(),
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  altKm: z.number().nullable(),
  partition: z.number().int(),
  offset: z.string(),
});
export type GeoPoint = z.infer<typeof geoPointSchema>;

export const geoWatchStatusSchema = z.object({
  watchId: z.string(),
  topic: z.string(),
  state: z.enum(['starting', 'watching', 'error', 'stopped']),
  points: z.number().int(),
  skipped: z.number().int(),
  lastError: z.string().nullable(),
});
export type GeoWatchStatus = z.infer<typeof geoWatchStatusSchema>;

const watchRef = z.object({ watchId: z.string().min(1).max(64) });

export const predictedTrackSchema = z.object({
  /** The ISS producer whose TLE was propagated; null = no offline SGP4 producer writes this topic. */
  producer: z.string().nullable(),
  /** Epoch of the TLE's elements (ISO); predictions far from it drift. */
  tleEpoch: z.string().nullable(),
  points: z.array(z.object({ t: z.number(), lat: z.number(), lon: z.number() })),
});
export type PredictedTrack = z.infer<typeof predictedTrackSchema>;

export const geoPredictMethods = {
  'geo:predicted': method(
    z.object({
      connectionId: z.string().min(1).max(64),
      topic: z.string().min(1).max(249),
      /** Start of the prediction, epoch ms; default now. */
      from: z.number().int().optional(),
      minutes: z
        .number()
        .min(1)
        .max(24 * 60)
        .default(92),
      stepSeconds: z.number().int().min(1).max(600).default(30),
    }),
    predictedTrackSchema,
    'The next orbit of an offline ISS producer’s satellite (SGP4 from its TLE), for the map to draw dashed',
  ),
  'geo:tiles': method(none, tileLayerSchema, 'The map’s optional online tile layer (off by default)'),
  'geo:saveTiles': method(tileLayerSchema, tileLayerSchema, 'Turn the online tile layer on or off; an invalid URL template is refused'),
} as const;

export const geoMethods = {
  'geo:watch': method(geoStreamSchema, geoWatchStatusSchema, 'Follow a topic whose records carry latitude/longitude (from now on)'),
  'geo:unwatch': method(watchRef, z.object({ stopped: z.boolean() }), 'Stop following'),
  'geo:track': method(
    watchRef.extend({
      minutes: z
        .number()
        .min(1)
        .max(24 * 60)
        .default(90),
    }),
    z.object({ status: geoWatchStatusSchema, points: z.array(geoPointSchema) }),
    'The buffered track of the last N minutes (bounded)',
  ),
  ...geoPredictMethods,
} as const;

export const geoEvents = {
  /** The tile layer setting changed: transports update the CSP, the map adds or removes the layer. */
  'geo:tiles': tileLayerSchema,
  /** New points since the last notice, batched (at most a few per second). */
  'geo:points': z.object({
    watchId: z.string(),
    points: z.array(geoPointSchema),
    status: geoWatchStatusSchema,
    /** Too many new points for a notice (a backfill): fetch the track with `geo:track` instead. */
    resync: z.boolean(),
  }),
} as const;
