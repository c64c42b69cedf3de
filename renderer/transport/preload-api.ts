import type { EventName, MethodName } from '../../shared/contract.js';

type DomainOf<M> = M extends `${infer D}:${string}` ? D : never;
export type Domain = DomainOf<MethodName>;

/** One preload function: resolves with the raw envelope `{ok:true,data}` or `{ok:false,error}`. */
export type PreloadCall = (input?: unknown) => Promise<unknown>;

/** What electron/preload exposes as `window.workbench`: methods grouped by domain, plus `on`. */
export type PreloadApi = { readonly [D in Domain]: Readonly<Record<string, PreloadCall>> } & {
  on(event: EventName, listener: (payload: unknown) => void, key?: string): () => void;
};

declare global {
  interface Window {
    /** Present only under Electron (contextBridge); absent in the browser (`serve` mode). */
    readonly workbench?: PreloadApi;
  }
}
