import { useEffect, useId, useState } from 'react';
import type { TileLayer } from '../../../shared/map-tiles.js';
import { useMethodMutation } from '../../api/use-method-mutation.js';
import { useMethodQuery } from '../../api/use-method-query.js';
import { ErrorMessage } from '../../app/error-message.js';

/** Settings → Map: the optional online tile layer (off by default; the bundled basemap needs no network). */
export function TileSettings() {
  const current = useMethodQuery('geo:tiles', undefined);
  const [form, setForm] = useState<TileLayer>({ enabled: false, urlTemplate: '', attribution: '' });
  const [saved, setSaved] = useState(false);
  const id = useId();
  const save = useMethodMutation('geo:saveTiles', { invalidates: ['geo:tiles'], onSuccess: () => setSaved(true) });
  useEffect(() => {
    if (current.data) setForm(current.data);
  }, [current.data]);
  return (
    <form
      className="form tile-settings"
      data-testid="tile-settings"
      onSubmit={(e) => {
        e.preventDefault();
        setSaved(false);
        save.mutate(form);
      }}
    >
      <p className="note">
        The map draws a bundled Natural Earth basemap with no network. An online tile layer can be drawn under the track instead; the app's
        Content-Security-Policy then allows images from that one origin (after a reload).
      </p>
      <label className="inline">
        <input type="checkbox" checked={form.enabled} onChange={(e) => setForm({ ...form, enabled: e.target.checked })} /> Online tile layer
      </label>
      <div className="field">
        <label htmlFor={`${id}-url`}>URL template</label>
        <input
          id={`${id}-url`}
          value={form.urlTemplate}
          placeholder="https://tile.openstreetmap.org/{z}/{x}/{y}.png"
          onChange={(e) => setForm({ ...form, urlTemplate: e.target.value })}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-attribution`}>Attribution</label>
        <input
          id={`${id}-attribution`}
          value={form.attribution}
          placeholder="© OpenStreetMap contributors"
          onChange={(e) => setForm({ ...form, attribution: e.target.value })}
        />
      </div>
      <div className="actions">
        <button type="submit" disabled={save.isPending}>
          Save map tiles
        </button>
        {saved && (
          <button type="button" onClick={() => window.location.reload()}>
            Reload to apply
          </button>
        )}
      </div>
      <ErrorMessage error={save.error ?? current.error} />
    </form>
  );
}
