import { useServerLinkState } from '../api/workbench-context.js';

/** Shown while the `serve` WebSocket is down; under Electron the link never drops. */
export function ServerBanner() {
  const state = useServerLinkState();
  if (state !== 'reconnecting' && state !== 'closed') return null;
  return (
    <div className="banner banner-error" role="alert" data-testid="server-status">
      {state === 'closed' ? 'Disconnected from the Workbench server.' : 'Server disconnected — reconnecting…'}
    </div>
  );
}
