import { afterAll, beforeAll, inject } from 'vitest';
import { startSchemaRegistry, type SchemaRegistryServer } from '../schema-registry-server.js';
import { startServeSession, type ServeSession } from './serve-fixture.js';

/** What a registry e2e file works with; its fields are set by the file's beforeAll. */
export interface RegistryServe {
  /** A schema registry of the file's own (Apicurio, Confluent-compatible API). */
  registry: SchemaRegistryServer;
  session: ServeSession;
  /** The active connection: the suite's Kafka with `registry` as its schema registry. */
  connectionId: string;
}

/**
 * The set-up the registry e2e files share: a registry, `serve` in Chromium, and an active
 * connection with the registry's URL saved through the contract; `before` runs once the registry
 * answers and before serve starts (e.g. schemas registered directly).
 */
export function registryServe(before?: (registry: SchemaRegistryServer) => Promise<void>): RegistryServe {
  const bootstrap = inject('kafkaBootstrap');
  const suite = {} as RegistryServe;
  beforeAll(async () => {
    suite.registry = await startSchemaRegistry();
    await before?.(suite.registry);
    suite.session = await startServeSession();
    const saved = (await suite.session.call('connections:save', {
      name: 'Suite cluster + registry',
      bootstrapServers: bootstrap.split(','),
      schemaRegistryUrl: suite.registry.url,
    })) as { id: string };
    await suite.session.call('connections:activate', { id: saved.id });
    suite.connectionId = saved.id;
  }, 600_000);
  afterAll(async () => {
    await suite.session?.close();
    await suite.registry?.stop();
  });
  return suite;
}
