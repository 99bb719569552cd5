// A drop's last minutes in SVG, drawn here (no charting library, nothing from another origin):
// remaining units as a solid line on the left axis, claims a second as dashed line on the right one,
// so the two read apart without colour. The numbers are also in the chart's description and in the
// board's tables, for screen readers.

export interface ChartPoint {
  /** epoch ms */
  t: number;
  remaining: number;
  claimsPerSecond: number;
}

const W = 720;
const H = 240;
const M = { left: 52, right: 56, top: 14, bottom: 30 };

/** A round upper bound for an axis: 1, 2, 5 × 10^n at or above `v`. */
export function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

const clock = (t: number) =>
  new Date(t).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

export function DropChart({
  sku,
  quantity,
  points,
  windowMs,
}: {
  sku: string;
  quantity: number;
  points: ChartPoint[];
  windowMs: number;
}) {
  const now = points.length ? (points[points.length - 1] as ChartPoint).t : Date.now();
  const from = now - windowMs;
  const shown = points.filter((p) => p.t >= from);
  const unitsMax = niceMax(Math.max(quantity, ...shown.map((p) => p.remaining)));
  const peak = Math.max(0, ...shown.map((p) => p.claimsPerSecond));
  const rateMax = niceMax(peak);
  const iw = W - M.left - M.right;
  const ih = H - M.top - M.bottom;
  const x = (t: number) => M.left + ((t - from) / windowMs) * iw;
  const yUnits = (v: number) => M.top + ih - (v / unitsMax) * ih;
  const yRate = (v: number) => M.top + ih - (v / rateMax) * ih;
  const line = (y: (p: ChartPoint) => number) =>
    shown.map((p, i) => `${i ? 'L' : 'M'}${x(p.t).toFixed(1)},${y(p).toFixed(1)}`).join(' ');
  const first = shown[0];
  const last = shown[shown.length - 1];
  const minutes = Math.max(1, Math.round(windowMs / 60_000));
  const id = `chart-${sku.replace(/[^\w-]/g, '_')}`;
  const desc = last
    ? `${sku}: ${last.remaining} of ${quantity} units remaining, ${last.claimsPerSecond} claims a second now. ` +
      `Over the last ${minutes === 1 ? 'minute' : `${minutes} minutes`} remaining went from ${first?.remaining} to ${last.remaining}; the peak was ${peak} claims a second.`
    : `${sku}: no readings yet.`;
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${id}-t ${id}-d`} data-testid="drop-chart">
        <title id={`${id}-t`}>
          {sku}: remaining units and claims a second, last {minutes === 1 ? 'minute' : `${minutes} minutes`}
        </title>
        <desc id={`${id}-d`}>{desc}</desc>
        {ticks.map((f) => (
          <g key={f}>
            <line class="grid-line" x1={M.left} x2={W - M.right} y1={M.top + ih * (1 - f)} y2={M.top + ih * (1 - f)} />
            <text class="axis units" x={M.left - 6} y={M.top + ih * (1 - f) + 4} text-anchor="end">
              {Math.round(unitsMax * f)}
            </text>
            <text class="axis rate" x={W - M.right + 6} y={M.top + ih * (1 - f) + 4}>
              {Math.round(rateMax * f * 10) / 10}
            </text>
          </g>
        ))}
        {[0, 0.5, 1].map((f) => (
          <text
            key={f}
            class="axis"
            x={M.left + iw * f}
            y={H - 8}
            text-anchor={f === 0 ? 'start' : f === 1 ? 'end' : 'middle'}
          >
            {clock(from + windowMs * f)}
          </text>
        ))}
        <path class="series-units" d={line((p) => yUnits(p.remaining))} />
        <path class="series-rate" d={line((p) => yRate(p.claimsPerSecond))} />
        {last && <circle class="dot-units" cx={x(last.t)} cy={yUnits(last.remaining)} r={4} />}
      </svg>
      <figcaption class="legend">
        <span class="key key-units" aria-hidden="true" /> Remaining units (left axis){' '}
        <span class="key key-rate" aria-hidden="true" /> Claims a second (right axis, dashed)
      </figcaption>
    </figure>
  );
}
