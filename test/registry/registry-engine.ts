import { afterAll, beforeAll, inject } from 'vitest';
import type { Connection } from '../../shared/connection.js';
import type { Engine } from '../../electron/engine/engine.js';
import { data, tempDir, testEngine } from '../helpers.js';
import { startSchemaRegistry, type SchemaRegistryServer } from '../schema-registry-server.js';
import { confluentPeer } from './confluent-peer.js';

/** What a registry test file works with; its fields are set by the file's beforeAll. */
export interface RegistryEngine {
  readonly bootstrap: string;
  readonly dir: ReturnType<typeof tempDir>;
  engine: Engine;
  /** A schema registry of the file's own (Apicurio, Confluent-compatible API). */
  registry: SchemaRegistryServer;
  /** The engine's connection to the suite's Kafka with `registry` as its schema registry. */
  connectionId: string;
  /** Confluent's Python serdes against the same Kafka and registry (the independent peer). */
  python: ReturnType<typeof confluentPeer>;
}

/**
 * The set-up every schema-registry test file shares: a registry, an engine on a temporary folder
 * and its connection, made in beforeAll and removed in afterAll.
 */
export function registryEngine(name: string): RegistryEngine {
  const suite = { bootstrap: inject('kafkaBootstrap'), dir: tempDir(name) } as RegistryEngine;
  beforeAll(async () => {
    suite.registry = await startSchemaRegistry();
    suite.python = confluentPeer(suite.bootstrap, suite.registry.url, suite.dir.path);
    suite.engine = testEngine(suite.dir.path);
    suite.connectionId = data<Connection>(
      await suite.engine.dispatch('connections:save', {
        name,
        bootstrapServers: suite.bootstrap.split(','),
        schemaRegistryUrl: suite.registry.url,
      }),
    ).id;
  }, 600_000);
  afterAll(async () => {
    await suite.engine?.dispose();
    await suite.registry?.stop();
    suite.dir.remove();
  });
  return suite;
}
