import { createWorkbenchApi, type WorkbenchApi } from '../../shared/rpc.js';
import { createIpcTransport } from './ipc-transport.js';
import { alwaysOpenLink, type ServerLink } from './server-link.js';
import { WsTransport } from './ws-transport.js';

export interface WorkbenchClient {
  api: WorkbenchApi;
  link: ServerLink;
}

/** The WebSocket endpoint of the `serve` server that served this page. */
export function serveSocketUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
}

/** Electron preload bridge when present, else the `serve` WebSocket. */
export function createWorkbenchClient(win: Window = window): WorkbenchClient {
  if (win.workbench !== undefined) {
    return { api: createWorkbenchApi(createIpcTransport(win.workbench)), link: alwaysOpenLink };
  }
  const transport = new WsTransport({ url: serveSocketUrl(win.location) });
  return { api: createWorkbenchApi(transport), link: transport };
}
