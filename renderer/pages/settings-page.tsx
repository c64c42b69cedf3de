import type { AppInfo } from '../../shared/app.js';
import { ConnectionsSettings } from './connections-settings.js';
import { DatabaseConnectionsSettings } from './database-connections-settings.js';
import { LocalClusterPanel } from './local-cluster-panel.js';
import { TileSettings } from './map/tile-settings.js';
import { SecretStorageInfo } from './secret-storage-info.js';

export function SettingsPage({ info }: { info: AppInfo }) {
  return (
    <section className="page" data-testid="settings-page">
      <h1>Settings</h1>
      <section className="panel" aria-labelledby="connections-title">
        <h2 id="connections-title">Connections</h2>
        <ConnectionsSettings activeId={info.activeConnectionId} />
      </section>
      <section className="panel" aria-labelledby="database-connections-title">
        <h2 id="database-connections-title">Database connections</h2>
        <DatabaseConnectionsSettings />
      </section>
      <section className="panel" aria-labelledby="secrets-title">
        <h2 id="secrets-title">Secret storage</h2>
        <SecretStorageInfo storage={info.secretStorage} />
      </section>
      <section className="panel" aria-labelledby="local-settings-title">
        <h2 id="local-settings-title">Local cluster</h2>
        <LocalClusterPanel javaAvailable={info.javaAvailable} showOptions />
      </section>
      <section className="panel" aria-labelledby="map-settings-title">
        <h2 id="map-settings-title">Map</h2>
        <TileSettings />
      </section>
      <section className="panel" aria-labelledby="about-title">
        <h2 id="about-title">About</h2>
        <dl className="facts">
          <div>
            <dt>Version</dt>
            <dd>{info.version}</dd>
          </div>
          <div>
            <dt>Transport</dt>
            <dd>{info.transport === 'ipc' ? 'Desktop (Electron IPC)' : 'Server (WebSocket)'}</dd>
          </div>
          <div>
            <dt>Data folder</dt>
            <dd className="mono">{info.dataDir}</dd>
          </div>
        </dl>
      </section>
    </section>
  );
}
