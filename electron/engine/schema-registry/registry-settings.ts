import type { ConnectionsRepo } from '../store/connections-repo.js';
import type { RegistrySettings } from './registry-client.js';

/** The schema registry of a saved connection (URL, optional basic auth), or null when it has none. */
export function registrySettings(connections: ConnectionsRepo, connectionId: string): RegistrySettings | null {
  const connection = connections.find(connectionId);
  if (connection?.schemaRegistryUrl === undefined) return null;
  if (connection.schemaRegistryUsername === undefined) return { url: connection.schemaRegistryUrl };
  return {
    url: connection.schemaRegistryUrl,
    username: connection.schemaRegistryUsername,
    password: connections.registryPassword(connectionId),
  };
}
