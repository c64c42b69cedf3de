import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import countries110m from 'world-atlas/countries-110m.json';
import { splitAtAntimeridian, type LatLon } from '../../../shared/ground-track.js';
import { basemapCountries, thin } from './basemap.js';

/** More track points than a map of this size can show apart: draw at most this many. */
const MAX_DRAWN = 1_500;
/** The track line is redrawn at most this often while points only arrive (the marker moves every time). */
const TRACK_REDRAW_MS = 5_000;
/** Follow mode re-centres once the marker is this far from the centre. */
const FOLLOW_SLACK_PX = 40;

/**
 * The Leaflet map of the Map page, kept imperative and outside React: an offline Natural Earth
 * basemap (world-atlas, bundled), the current position, and the ground track on a canvas renderer.
 */
/**
 * Leaflet 1.9's canvas renderer also redraws synchronously on a pan (`_updatePaths` calls `_redraw`),
 * which forgets a redraw already requested for the next frame; when the map is removed in between,
 * `_destroyContainer` cannot cancel that frame and it draws on the removed canvas ("Cannot read
 * properties of undefined (reading 'save')" when the map page is left while the track redraws). A
 * renderer without its canvas has nothing to draw.
 */
const SafeCanvas = L.Canvas.extend({
  _redraw(this: { _ctx?: CanvasRenderingContext2D }) {
    if (this._ctx) (L.Canvas.prototype as unknown as { _redraw(): void })._redraw.call(this);
  },
}) as unknown as new (options?: L.RendererOptions) => L.Canvas;

export class WorldMap {
  private readonly map: L.Map;
  private readonly renderer = new SafeCanvas({ padding: 0.5 });
  private readonly track: L.Polyline;
  private readonly predicted: L.Polyline;
  private readonly marker: L.CircleMarker;
  private tiles: L.TileLayer | null = null;
  private drawnAt = 0;
  private drawnCount = 0;
  private readonly basemap: L.GeoJSON;
  private following = false;

  constructor(private readonly element: HTMLElement) {
    this.map = L.map(element, {
      center: [20, 0],
      zoom: 2,
      minZoom: 1,
      maxZoom: 8,
      worldCopyJump: false,
      maxBounds: [
        [-90, -200],
        [90, 200],
      ],
      // The basemap's renderer (the track has its own, above it).
      renderer: new SafeCanvas(),
      attributionControl: true,
    });
    this.map.attributionControl.setPrefix(false).addAttribution('Natural Earth (public domain) via world-atlas');
    // Canvas paths take colours as options, not CSS classes: read them from the theme variables.
    const css = getComputedStyle(element);
    const color = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
    const land = { fillColor: color('--map-land', '#f3efe6'), color: color('--map-border', '#9a9181') };
    const trackColor = color('--map-track', '#d9480f');
    const topology = countries110m as unknown as Topology<{ countries: GeometryCollection }>;
    const countries = basemapCountries(feature(topology, topology.objects.countries));
    this.basemap = L.geoJSON(countries, { interactive: false, style: () => ({ ...land, weight: 0.6, fillOpacity: 1 }) }).addTo(this.map);
    this.track = L.polyline([], { renderer: this.renderer, color: trackColor, weight: 2, interactive: false }).addTo(this.map);
    // The next orbit (SGP4 from the producer's TLE): dashed, under the flown track.
    this.predicted = L.polyline([], {
      renderer: this.renderer,
      color: trackColor,
      weight: 1.5,
      opacity: 0.8,
      dashArray: '6 6',
      interactive: false,
    }).addTo(this.map);
    this.marker = L.circleMarker([0, 0], {
      renderer: this.renderer,
      radius: 7,
      color: '#ffffff',
      fillColor: trackColor,
      weight: 2,
      fillOpacity: 1,
    });
    // The zoom buttons zoom about the centre, where the marker may not be (the slack, or the world's
    // edge at low zoom): following, the zoomed map goes to the marker at once, not at the next record.
    this.map.on('zoomend', () => {
      if (this.following && this.map.hasLayer(this.marker)) this.follow(this.marker.getLatLng());
      this.markMarkerInView();
    });
    this.map.on('moveend', () => {
      this.markMarkerInView();
    });
  }

  /** Whether the marker is inside the visible map, for tests and the curious. */
  private markMarkerInView(): void {
    this.element.dataset.markerInView = String(this.map.hasLayer(this.marker) && this.map.getBounds().contains(this.marker.getLatLng()));
  }

  /** Draws the track (split at ±180°) and moves the marker to its last point. */
  show(points: readonly LatLon[], follow: boolean): void {
    this.following = follow;
    // Redrawing the line re-projects every drawn point: with a long track arriving once a second, the
    // line catches up every few seconds (or at once when the track was replaced or is short).
    const now = Date.now();
    const appended = points.length >= this.drawnCount && points.length - this.drawnCount <= 10 && points.length > 200;
    if (!appended || now - this.drawnAt >= TRACK_REDRAW_MS) {
      this.drawTrack(points);
      this.drawnAt = now;
      this.drawnCount = points.length;
    }
    const last = points.at(-1);
    if (!last) {
      this.marker.remove();
      return;
    }
    this.marker.setLatLng([last.lat, last.lon]);
    if (!this.map.hasLayer(this.marker)) this.marker.addTo(this.map);
    if (follow) this.follow([last.lat, last.lon]);
    this.markMarkerInView();
  }

  private drawTrack(points: readonly LatLon[]): void {
    const segments = splitAtAntimeridian(thin(points, MAX_DRAWN));
    this.track.setLatLngs(segments.map((segment) => segment.map((p) => L.latLng(p.lat, p.lon))));
    // What was drawn, for tests and the curious: no segment may jump more than 180° of longitude.
    let maxStep = 0;
    for (const segment of segments)
      for (let i = 1; i < segment.length; i++) maxStep = Math.max(maxStep, Math.abs((segment[i]?.lon ?? 0) - (segment[i - 1]?.lon ?? 0)));
    this.element.dataset.segments = String(segments.length);
    this.element.dataset.maxLonStep = maxStep.toFixed(3);
  }

  /**
   * Keeps the marker near the centre. A pan redraws every canvas layer (basemap included), so the map
   * moves only when the marker drifted more than FOLLOW_SLACK_PX from the centre, not once a second
   * by a fraction of a pixel.
   */
  private follow(at: L.LatLngExpression): void {
    const offset = this.map.latLngToContainerPoint(at).subtract(this.map.getSize().divideBy(2));
    if (Math.abs(offset.x) > FOLLOW_SLACK_PX || Math.abs(offset.y) > FOLLOW_SLACK_PX) this.map.panTo(at, { animate: false });
  }

  /** Draws the predicted next orbit dashed, split at ±180° like the ground track; empty clears it. */
  showPredicted(points: readonly LatLon[]): void {
    const segments = points.length < 2 ? [] : splitAtAntimeridian(points);
    this.predicted.setLatLngs(segments.map((segment) => segment.map((p) => L.latLng(p.lat, p.lon))));
    let maxStep = 0;
    for (const segment of segments)
      for (let i = 1; i < segment.length; i++) maxStep = Math.max(maxStep, Math.abs((segment[i]?.lon ?? 0) - (segment[i - 1]?.lon ?? 0)));
    this.element.dataset.predictedSegments = String(segments.length);
    this.element.dataset.predictedMaxLonStep = maxStep.toFixed(3);
  }

  /** The optional online tile layer (Settings → Map) over the bundled basemap; null removes it. */
  setTiles(layer: { urlTemplate: string; attribution: string } | null): void {
    this.tiles?.remove();
    this.tiles = null;
    // The bundled land shapes are opaque polygons above the tile pane: shown only without tiles.
    if (!layer) {
      if (!this.map.hasLayer(this.basemap)) this.basemap.addTo(this.map);
      return;
    }
    this.basemap.remove();
    // Leaflet's attribution control renders HTML: the user's text is escaped, shown as text.
    const text = layer.attribution.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
    this.tiles = L.tileLayer(layer.urlTemplate, { attribution: text, maxZoom: 8, crossOrigin: false }).addTo(this.map);
    this.tiles.bringToBack();
  }

  dispose(): void {
    this.map.remove();
  }
}
