import { z } from 'zod';
import { method } from './define.js';

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

export const geoMethods = {
  'geo:watch': method(geoStreamSchema, geoWatchStatusSchema, 'Follow a topic whose records carry latitude/longitude (from now on)'),
  'geo:unwatch': method(watchRef, z.object({ stopped: z.boolean() }), 'Stop following'),
  'geo:track': method(
    watchRef.extend({ minutes: z.number().min(1).max(24 * 60).default(90) }),
    z.object({ status: geoWatchStatusSchema, points: z.array(geoPointSchema) }),
    'The buffered track of the last N minutes (bounded)',
  ),
} as const;

export const geoEvents = {
  /** New points since the last notice, batched (at most a few per second). */
  'geo:points': z.object({
    watchId: z.string(),
    points: z.array(geoPointSchema),
    status: geoWatchStatusSchema,
    /** Too many new points for a notice (a backfill): fetch the track with `geo:track` instead. */
    resync: z.boolean(),
  }),
} as const;
