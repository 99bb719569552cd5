// Support SLA figures per UTC day. Pure: no framework, no I/O (lint enforces it).

export interface SlaCase {
  createdAt: Date;
  firstResponseAt: Date | null;
  resolvedAt: Date | null;
}

export interface SlaDay {
  day: string;
  opened: number;
  firstResponse: { count: number; medianMinutes: number | null; p90Minutes: number | null };
  resolved: number;
  medianResolutionMinutes: number | null;
}

const DAY_MS = 86_400_000;
const dayOf = (d: Date) => d.toISOString().slice(0, 10);
const minutes = (from: Date, to: Date) => (to.getTime() - from.getTime()) / 60_000;

/** Nearest-rank percentile (p in 0..100) of the values, rounded to 0.1 minute; null when none. */
export function percentile(values: number[], p: number): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return Math.round((sorted[rank - 1] ?? 0) * 10) / 10;
}

/**
 * One row per day from `from` to `to` (inclusive, YYYY-MM-DD, UTC). A case counts as opened, and
 * its first response is measured, on the day it was opened; it counts as resolved, with its time
 * to resolution, on the day it was resolved.
 */
export function slaByDay(cases: SlaCase[], from: string, to: string): SlaDay[] {
  const days: SlaDay[] = [];
  for (let t = Date.parse(from); t <= Date.parse(to); t += DAY_MS) {
    const day = dayOf(new Date(t));
    const opened = cases.filter((c) => dayOf(c.createdAt) === day);
    const responses = opened.flatMap((c) => (c.firstResponseAt ? [minutes(c.createdAt, c.firstResponseAt)] : []));
    const resolved = cases.filter((c) => c.resolvedAt && dayOf(c.resolvedAt) === day);
    const resolution = resolved.map((c) => minutes(c.createdAt, c.resolvedAt as Date));
    days.push({
      day,
      opened: opened.length,
      firstResponse: {
        count: responses.length,
        medianMinutes: percentile(responses, 50),
        p90Minutes: percentile(responses, 90),
      },
      resolved: resolved.length,
      medianResolutionMinutes: percentile(resolution, 50),
    });
  }
  return days;
}
