import { h, s } from './dom.js';
import type { MetricsPoint } from './wire.js';

export interface Series {
  readonly name: string;
  /** A CSS colour. */
  readonly color: string;
  readonly value: (point: MetricsPoint) => number | null;
}

export interface ChartSpec {
  /** Also the chart's `data-chart` name. */
  readonly id: string;
  readonly title: string;
  readonly series: readonly Series[];
  readonly format: (value: number) => string;
}

const WIDTH = 320;
const HEIGHT = 160;
const PAD = { left: 44, right: 10, top: 10, bottom: 22 };

/** A round upper bound for the axis: 1, 2 or 5 × 10ⁿ at or above `max`. */
export function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) if (step * magnitude >= max) return step * magnitude;
  return 10 * magnitude;
}

const clock = (iso: string) => new Date(iso).toISOString().slice(11, 16);

/**
 * A line chart of the points (one per finished interval, oldest first), drawn as SVG: a line and a
 * dot per point for each series, three grid lines, the first and last interval's time. A series
 * value of null (no calls) leaves a gap.
 */
export function lineChart(spec: ChartSpec, points: readonly MetricsPoint[]): HTMLElement {
  const chart = s('svg', {
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
    role: 'img',
    'aria-label': spec.title,
    'data-chart': spec.id,
  });
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const values = points.flatMap((p) => spec.series.map((series) => series.value(p) ?? 0));
  const top = niceMax(Math.max(0, ...values));
  const x = (i: number) => PAD.left + (points.length === 1 ? plotW / 2 : (i * plotW) / (points.length - 1));
  const y = (v: number) => PAD.top + plotH - (v / top) * plotH;

  for (const fraction of [0, 0.5, 1]) {
    const at = y(top * fraction);
    chart.append(
      s('line', {
        class: fraction === 0 ? 'axis' : 'grid',
        x1: PAD.left,
        x2: WIDTH - PAD.right,
        y1: at,
        y2: at,
      }),
      s(
        'text',
        { class: 'label', x: PAD.left - 4, y: at + 3, 'text-anchor': 'end' },
        spec.format(top * fraction),
      ),
    );
  }
  chart.append(s('line', { class: 'axis', x1: PAD.left, x2: PAD.left, y1: PAD.top, y2: PAD.top + plotH }));
  if (points.length === 0) {
    chart.append(
      s(
        'text',
        { class: 'empty', x: PAD.left + plotW / 2, y: PAD.top + plotH / 2, 'text-anchor': 'middle' },
        'no finished interval yet',
      ),
    );
  } else {
    const first = points[0];
    const last = points[points.length - 1];
    chart.append(
      s('text', { class: 'label', x: x(0), y: HEIGHT - 6, 'text-anchor': 'start' }, clock(first.time)),
    );
    if (points.length > 1)
      chart.append(
        s(
          'text',
          { class: 'label', x: x(points.length - 1), y: HEIGHT - 6, 'text-anchor': 'end' },
          clock(last.time),
        ),
      );
  }

  for (const series of spec.series) {
    let path = '';
    let pen: 'M' | 'L' = 'M';
    points.forEach((point, i) => {
      const value = series.value(point);
      if (value === null) {
        pen = 'M';
        return;
      }
      path += `${pen}${x(i).toFixed(1)},${y(value).toFixed(1)} `;
      pen = 'L';
      chart.append(
        s(
          'circle',
          { class: 'point', cx: x(i), cy: y(value), r: 4, fill: series.color, 'data-series': series.name },
          s('title', {}, `${series.name} at ${clock(point.time)}: ${spec.format(value)}`),
        ),
      );
    });
    if (path !== '')
      chart.insertBefore(
        s('path', { class: 'line', d: path.trim(), stroke: series.color, 'data-series': series.name }),
        chart.querySelector('circle'),
      );
  }

  const legend = spec.series.length > 1 ? ` (${spec.series.map((x) => x.name).join(', ')})` : '';
  return h('div', { class: 'chart' }, h('h3', {}, spec.title + legend), chart);
}

/** Whole numbers as they are, thousands as `12k`; a fraction (half of a small axis) with one decimal. */
const count = (v: number) =>
  v >= 10_000 ? `${Math.round(v / 1000)}k` : Number.isInteger(v) ? String(v) : v.toFixed(1);

export const CHARTS: readonly ChartSpec[] = [
  {
    id: 'requests',
    title: 'Requests per interval',
    format: count,
    series: [
      { name: 'requests', color: '#2b6cb0', value: (p) => p.requests },
      { name: 'failed', color: '#c53030', value: (p) => p.failed },
    ],
  },
  {
    id: 'latency',
    title: 'Mean latency',
    format: (v) => `${count(v >= 10 ? Math.round(v) : v)} ms`,
    series: [{ name: 'latency', color: '#805ad5', value: (p) => p.latencyMs }],
  },
  {
    id: 'tokens',
    title: 'Tokens per interval',
    format: count,
    series: [{ name: 'tokens', color: '#1f8a4c', value: (p) => p.tokens }],
  },
  {
    id: 'cache-hits',
    title: 'Cache hits per interval',
    format: count,
    series: [{ name: 'cache hits', color: '#dd6b20', value: (p) => p.cacheHits }],
  },
];
