/**
 * The status page's charts: small inline SVG line and dot charts over time, drawn on the server (no
 * script, no outside asset), so the page works offline and in any browser.
 */

export interface ChartSeries {
  readonly name: string;
  readonly color: string;
  /** [time in ms since the epoch, value], oldest first. */
  readonly points: ReadonlyArray<readonly [number, number]>;
  /** `dots` for one mark per event (invocations), `line` for a sampled level (queue depth). */
  readonly style: 'dots' | 'line';
}

export interface TimeChartOptions {
  readonly title: string;
  readonly unit: string;
  readonly series: readonly ChartSeries[];
  /** A level to compare with (the latency budget), drawn dashed and labelled. */
  readonly threshold?: { readonly value: number; readonly label: string };
  /** Whole numbers only (message counts): no tick at 0.5. */
  readonly integers?: boolean;
  readonly width?: number;
  readonly height?: number;
}

const MARGIN = { left: 56, right: 16, top: 40, bottom: 30 };

export function timeChart(options: TimeChartOptions): string {
  const width = options.width ?? 560;
  const height = options.height ?? 200;
  const plot = {
    x: MARGIN.left,
    y: MARGIN.top,
    w: width - MARGIN.left - MARGIN.right,
    h: height - MARGIN.top - MARGIN.bottom,
  };
  const points = options.series.flatMap((s) => s.points);
  const label = escapeXml(options.title);
  const open = `<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-label="${label}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`;
  const title = `<text x="${MARGIN.left}" y="16" class="chart-title">${label}</text>`;
  const frame = `<rect x="${plot.x}" y="${plot.y}" width="${plot.w}" height="${plot.h}" class="plot"/>`;
  if (points.length === 0) {
    return `${open}${title}${frame}<text x="${plot.x + plot.w / 2}" y="${plot.y + plot.h / 2}" text-anchor="middle" class="empty">no data yet</text></svg>`;
  }

  const times = points.map(([t]) => t);
  let t0 = Math.min(...times);
  const t1 = Math.max(...times);
  if (t1 - t0 < 10_000) t0 = t1 - 10_000; // at least 10 s wide, so one point is not a full-width smear
  const peak = Math.max(...points.map(([, v]) => v), options.threshold ? options.threshold.value * 1.25 : 0);
  const yMax = niceCeiling(peak > 0 ? peak : 1);
  const x = (t: number): number => round(plot.x + ((t - t0) / (t1 - t0)) * plot.w);
  const y = (v: number): number => round(plot.y + plot.h - (Math.min(v, yMax) / yMax) * plot.h);

  const yTicks = [0, yMax / 2, yMax]
    .filter((v) => !options.integers || Number.isInteger(v))
    .map(
      (v) =>
        `<line x1="${plot.x}" x2="${plot.x + plot.w}" y1="${y(v)}" y2="${y(v)}" class="grid"/>` +
        `<text x="${plot.x - 6}" y="${y(v) + 4}" text-anchor="end" class="tick">${formatValue(v)}${options.unit ? ` ${escapeXml(options.unit)}` : ''}</text>`,
    )
    .join('');
  const xTicks = [t0, t1]
    .map(
      (t, i) =>
        `<text x="${x(t)}" y="${plot.y + plot.h + 18}" text-anchor="${i === 0 ? 'start' : 'end'}" class="tick">${clock(t)}</text>`,
    )
    .join('');
  const threshold = options.threshold
    ? `<line x1="${plot.x}" x2="${plot.x + plot.w}" y1="${y(options.threshold.value)}" y2="${y(options.threshold.value)}" class="threshold"/>` +
      `<text x="${plot.x + plot.w - 4}" y="${y(options.threshold.value) - 4}" text-anchor="end" class="threshold-label">${escapeXml(options.threshold.label)}</text>`
    : '';
  // The first series is drawn last, on top: where two lines overlap (both queues empty) it shows.
  const series = [...options.series]
    .reverse()
    .map((s) => {
      const name = escapeXml(s.name);
      if (s.style === 'dots') {
        const dots = s.points
          .map(
            ([t, v]) =>
              `<circle cx="${x(t)}" cy="${y(v)}" r="3"><title>${name}: ${formatValue(v)} ${escapeXml(options.unit)} at ${clock(t)}</title></circle>`,
          )
          .join('');
        return `<g class="series" data-series="${name}" fill="${s.color}">${dots}</g>`;
      }
      // A sampled level holds until the next sample: a step line.
      const path = s.points.map(([t, v], i) => (i === 0 ? `M${x(t)},${y(v)}` : `H${x(t)}V${y(v)}`)).join('');
      return `<path class="series" data-series="${name}" d="${path}" fill="none" stroke="${s.color}" stroke-width="2"/>`;
    })
    .join('');
  const legend = options.series
    .map(
      (s, i) =>
        `<g transform="translate(${MARGIN.left + 150 * i},23)"><rect width="10" height="10" fill="${s.color}"/><text x="14" y="9" class="tick">${escapeXml(s.name)}</text></g>`,
    )
    .join('');
  return `${open}${title}${legend}${frame}${yTicks}${threshold}${series}${xTicks}</svg>`;
}

/** 1, 2 or 5 times a power of ten, at or above `value`: round axis labels. */
function niceCeiling(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 5, 10].find((m) => m * power >= value) ?? 10;
  return step * power;
}

const round = (n: number): number => Math.round(n * 10) / 10;
const formatValue = (v: number): string => (Number.isInteger(v) ? String(v) : v.toFixed(1));
const clock = (t: number): string => new Date(t).toISOString().slice(11, 19);

export const escapeXml = (value: unknown): string =>
  String(value).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
