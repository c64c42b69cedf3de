import { useSyncExternalStore } from 'react';

/** `#/topics/<name>` → the topic name; `#/topics` → null. Topic names need no escaping ([a-zA-Z0-9._-]). */
export function topicFromHash(hash: string): string | null {
  const parts = hash.replace(/^#\/?/, '').split('?')[0]?.split('/') ?? [];
  if (parts[0] !== 'topics' || parts[1] === undefined || parts[1] === '') return null;
  return decodeURIComponent(parts[1]);
}

export function topicHref(name: string | null): string {
  return name === null ? '#/topics' : `#/topics/${encodeURIComponent(name)}`;
}

function subscribe(notify: () => void): () => void {
  window.addEventListener('hashchange', notify);
  return () => {
    window.removeEventListener('hashchange', notify);
  };
}

export function useTopicRoute(): string | null {
  return useSyncExternalStore(subscribe, () => topicFromHash(window.location.hash));
}
