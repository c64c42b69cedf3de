import { z } from 'zod';
import type { WireError } from './errors.js';
import { appInfoSchema } from './app.js';
import { clusterOverviewSchema, topicSummarySchema } from './cluster.js';
import { connectionInputSchema, connectionSchema, connectionStateSchema, connectionTestResultSchema } from './connection.js';
import {
  javaInfoSchema,
  localClusterOptionsSchema,
  localClusterSettingsSchema,
  localClusterStatusSchema,
  logTailSchema,
} from './local-cluster.js';

import { connectionRef, method, none } from './define.js';
import { pipelineEvents, pipelineMethods } from './pipelines.js';
import { databaseMethods } from './databases.js';
import { geoEvents, geoMethods } from './geo.js';
import { metricsEvents, metricsMethods } from './metrics.js';
import { producerEvents, producerMethods } from './producers.js';
import { exportEvents, exportMethods } from './exports.js';
import { topicBrowserEvents, topicBrowserMethods } from './topic-browser.js';
import { registryMethods } from './registry.js';

/** The foundation's methods: app, connections, cluster overview, topic list, local cluster. */
export const coreMethods = {
  'app:info': method(none, appInfoSchema, 'Version, transport, data folder, active connection, secret storage'),

  'connections:list': method(none, z.array(connectionSchema), 'Saved connections, without secrets'),
  'connections:save': method(connectionInputSchema, connectionSchema, 'Add (no id) or edit (id) a connection'),
  'connections:remove': method(z.object({ id: z.string().min(1).max(64) }), z.object({ removed: z.boolean() }), 'Remove a connection'),
  'connections:test': method(
    z.union([z.object({ id: z.string().min(1).max(64) }), z.object({ connection: connectionInputSchema })]),
    connectionTestResultSchema,
    'Try to reach a saved or unsaved connection',
  ),
  'connections:activate': method(
    z.object({ id: z.string().min(1).max(64) }),
    connectionStateSchema,
    'Make a connection the active one and check it',
  ),
  'connections:state': method(connectionRef, connectionStateSchema, 'Last known reachability of a connection'),

  'cluster:overview': method(connectionRef, clusterOverviewSchema, 'Cluster id, controller and brokers'),
  'topics:list': method(
    connectionRef.extend({ includeInternal: z.boolean().default(false) }),
    z.array(topicSummarySchema),
    'Topics with partition count, replication factor and internal flag',
  ),

  'local:status': method(none, localClusterStatusSchema, 'State of the managed local Kafka cluster'),
  'local:start': method(localClusterOptionsSchema.partial().default({}), localClusterStatusSchema, 'Start the managed local cluster'),
  'local:stop': method(none, localClusterStatusSchema, 'Stop the managed local cluster'),
  'local:logs': method(z.object({ lines: z.number().int().min(1).max(5000).default(200) }), logTailSchema, 'Tail of the local cluster log'),
  'local:settings': method(none, localClusterSettingsSchema, 'Keep-running choice and Maven mirror of the local cluster'),
  'local:saveSettings': method(localClusterSettingsSchema, localClusterSettingsSchema, 'Save the local cluster settings'),
  'local:installJava': method(none, javaInfoSchema, 'Download the pinned Java runtime (SHA-256 checked) into the cache folder'),
} as const;

/**
 * The contract: every method the UI may call, by `domain:verb`. Both transports (Electron IPC and
 * `serve`) are generated from this table, and both sides validate payloads with these schemas.
 * A feature domain keeps its own table in `shared/<domain>.ts` and adds one spread line here.
 */
export const methods = {
  ...coreMethods,
  // methods: topic browser
  ...topicBrowserMethods,
  // methods: producers
  ...producerMethods,
  // methods: exports
  ...exportMethods,
  // methods: pipelines
  ...pipelineMethods,
  // methods: database connections of pipeline sinks
  ...databaseMethods,
  ...geoMethods, // live views: map
  ...metricsMethods, // live views: throughput and lag
  ...registryMethods, // schema registry browser
} as const;

export const coreEvents = {
  'connection:state': connectionStateSchema,
  'local:status': localClusterStatusSchema,
} as const;

/** Events the engine pushes. Subscriptions return an unsubscribe function. One spread line per domain. */
export const events = {
  ...coreEvents,
  // events: topic browser
  ...topicBrowserEvents,
  // events: producers
  ...producerEvents,
  // events: exports
  ...exportEvents,
  // events: pipelines
  ...pipelineEvents,
  ...geoEvents, // live views: map
  ...metricsEvents, // live views: throughput and lag
} as const;

export type CoreMethodName = keyof typeof coreMethods;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
export type MethodParsedInput<M extends MethodName> = z.output<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

export const methodNames = Object.keys(methods) as MethodName[];
export const eventNames = Object.keys(events) as EventName[];

/**
 * Events that belong to one thing the UI started (a live tail, a scan, a map watch): each is
 * delivered only to the subscribers of its key, the value of `field` in its payload. A subscriber
 * names the key when it subscribes (`on(event, listener, key)`); these events cannot be subscribed
 * to without one. The UI picks the key (a UUID) and subscribes before it starts the work, so it
 * misses nothing the work emits. Other events go to every subscriber, or by key to those that ask.
 */
export const keyedEvents = {
  'messages:tail': { field: 'tailId', required: true },
  'messages:scanProgress': { field: 'scanId', required: true },
  'messages:exportProgress': { field: 'scanId', required: true },
  'geo:points': { field: 'watchId', required: true },
  'pipelines:status': { field: 'pipelineId', required: false },
  'pipelines:resultsChanged': { field: 'pipelineId', required: false },
  'exports:progress': { field: 'jobId', required: false },
} as const satisfies Partial<{ [E in EventName]: { field: keyof EventPayload<E> & string; required: boolean } }>;

/** The key of an event's payload, or undefined for an event that has none. */
export function eventKey(event: EventName, payload: unknown): string | undefined {
  const spec = (keyedEvents as Partial<Record<EventName, { field: string }>>)[event];
  if (spec === undefined || typeof payload !== 'object' || payload === null) return undefined;
  const value = (payload as Record<string, unknown>)[spec.field];
  return typeof value === 'string' ? value : undefined;
}

/** Why a subscription is refused (a keyed-only event without a key), or null. */
export function subscriptionProblem(event: EventName, key: string | undefined): string | null {
  const spec = (keyedEvents as Partial<Record<EventName, { field: string; required: boolean }>>)[event];
  if (spec?.required && key === undefined) return `${event} is delivered per ${spec.field}: subscribe with the ${spec.field} you started`;
  return null;
}

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.hasOwn(methods, name);
}
export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(events, name);
}

/** `{ok:true,data}` or `{ok:false,error}`: errors cross as data and are rethrown on the client. */
export type Envelope<T> = { ok: true; data: T } | { ok: false; error: WireError };
