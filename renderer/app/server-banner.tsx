import { useServerLinkState } from '../api/workbench-context.js';

/** Shown while the `serve` WebSocket is down; under Electron the link never drops. */
export function ServerBanner() {
  const state = useServerLinkState();
  if (state !== 'reconnecting' && state !== 'closed' && state !== 'signed-out') return null;
  return (
    <div className="banner banner-error" role="alert" data-testid="server-status" data-state={state}>
      {state === 'closed' && 'Disconnected from the Workbench server.'}
      {state === 'signed-out' &&
        "The Workbench server was restarted: this tab's sign-in token is no longer valid (each run of `npm run serve` has a new one). Open the address it printed in the terminal, with its ?token=."}
      {state === 'reconnecting' &&
        'Server disconnected — reconnecting… If you restarted `npm run serve`, open the address it printed (it may be on another port, with a new token).'}
    </div>
  );
}
