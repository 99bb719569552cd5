import { expect, it } from 'vitest';
import { percentile, slaByDay } from './sla';

const at = (iso: string) => new Date(iso);

it('takes nearest-rank percentiles', () => {
  expect(percentile([], 50)).toBeNull();
  expect(percentile([10, 20, 30, 40], 50)).toBe(20);
  expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
});

it('counts openings and first responses on the day opened, resolutions on the day resolved', () => {
  const cases = [
    { createdAt: at('2026-03-01T10:00:00Z'), firstResponseAt: at('2026-03-01T10:30:00Z'), resolvedAt: null },
    {
      createdAt: at('2026-03-01T11:00:00Z'),
      firstResponseAt: at('2026-03-01T11:10:00Z'),
      resolvedAt: at('2026-03-02T11:00:00Z'),
    },
    { createdAt: at('2026-03-01T12:00:00Z'), firstResponseAt: null, resolvedAt: null },
  ];
  expect(slaByDay(cases, '2026-03-01', '2026-03-02')).toEqual([
    {
      day: '2026-03-01',
      opened: 3,
      firstResponse: { count: 2, medianMinutes: 10, p90Minutes: 30 },
      resolved: 0,
      medianResolutionMinutes: null,
    },
    {
      day: '2026-03-02',
      opened: 0,
      firstResponse: { count: 0, medianMinutes: null, p90Minutes: null },
      resolved: 1,
      medianResolutionMinutes: 1440,
    },
  ]);
});
