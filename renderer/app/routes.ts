export const routes = [
  { id: 'cluster', label: 'Cluster' },
  { id: 'dashboard', label: 'Dashboard' },
  { id: 'topics', label: 'Topics' },
  { id: 'registry', label: 'Registry' },
  { id: 'producers', label: 'Producers' },
  { id: 'pipelines', label: 'Pipelines' },
  { id: 'map', label: 'Map' },
  { id: 'charts', label: 'Charts' },
  { id: 'exports', label: 'Exports' },
  { id: 'settings', label: 'Settings' },
] as const;

export type RouteId = (typeof routes)[number]['id'];

/** `#/topics` → `topics`; anything unknown (or empty) → `cluster`. */
export function parseRoute(hash: string): RouteId {
  const id = hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';
  return routes.find((route) => route.id === id)?.id ?? 'cluster';
}

export function routeHref(id: RouteId): string {
  return `#/${id}`;
}
