import type { AppInfo } from '../../shared/app.js';
import { ConnectionPicker } from './connection-picker.js';
import { ConnectionStatus } from './connection-status.js';

export function TopBar({ info }: { info: AppInfo }) {
  return (
    <header className="top-bar">
      <span className="brand">Kafka Workbench</span>
      <ConnectionPicker activeId={info.activeConnectionId} />
      <ConnectionStatus connectionId={info.activeConnectionId} />
      <span className="app-info" title={`Data folder: ${info.dataDir}`}>
        v{info.version} · {info.transport === 'ipc' ? 'desktop' : 'server'}
      </span>
    </header>
  );
}
