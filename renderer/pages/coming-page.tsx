import type { RouteId } from '../app/routes.js';

const plans: Partial<Record<RouteId, { title: string; text: string }>> = {
  producers: {
    title: 'Producers',
    text: 'Producers will send data to a topic from a source on a schedule: HTTP polling, the ISS position, random users, a sensor simulator, CSV/JSONL file replay, or a manual form. Each will show its live state (running, sent, errors, rate) and resume after a restart.',
  },
  pipelines: {
    title: 'Pipelines',
    text: 'Pipelines will read topics, decode and flatten records, filter them, aggregate over event-time windows with watermarks, and write to sinks, with state and offsets checkpointed together.',
  },
  map: {
    title: 'Map',
    text: 'The map will show the ISS position from its topic on a Leaflet map with an offline world basemap.',
  },
  charts: {
    title: 'Charts',
    text: 'Charts will plot sensor readings and window results from topics, downsampled to the width of the chart.',
  },
  exports: {
    title: 'Exports',
    text: 'Exports will write topic or pipeline data to CSV, Parquet or JSONL, in a local folder or on S3, with progress.',
  },
};

/** An honest placeholder for a view that is not built yet. */
export function ComingPage({ route }: { route: RouteId }) {
  const plan = plans[route] ?? { title: route, text: 'This view is not built yet.' };
  return (
    <section className="page" aria-labelledby="coming-title">
      <h1 id="coming-title">{plan.title}</h1>
      <p className="note">Not available yet. {plan.text}</p>
    </section>
  );
}
