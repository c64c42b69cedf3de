import { useSyncExternalStore } from 'react';
import { parseRoute, type RouteId } from './routes.js';

function subscribe(notify: () => void): () => void {
  window.addEventListener('hashchange', notify);
  return () => {
    window.removeEventListener('hashchange', notify);
  };
}

/** The page named by `location.hash`; links are plain `<a href="#/topics">`. */
export function useHashRoute(): RouteId {
  return useSyncExternalStore(subscribe, () => parseRoute(window.location.hash));
}
