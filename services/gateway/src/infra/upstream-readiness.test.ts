import { describe, expect, it } from 'vitest';
import { UpstreamReadiness } from './upstream-readiness';

function fakeUpstreams(initial: Record<string, boolean>) {
  const up = { ...initial };
  const calls: string[] = [];
  const probe = async (app: string) => {
    calls.push(app);
    if (!up[app]) throw new Error(`${app} unreachable`);
  };
  return { up, calls, probe };
}

describe('UpstreamReadiness', () => {
  it('is not ready until every upstream has answered once, naming the ones missing', async () => {
    const f = fakeUpstreams({ catalog: true, inventory: false });
    let t = 0;
    const r = new UpstreamReadiness(['catalog', 'inventory'], f.probe, { cacheMs: 1000, now: () => t });
    await expect(r.check()).rejects.toThrow('not routable yet: inventory');
    f.up.inventory = true;
    t += 1000;
    await expect(r.check()).resolves.toBeUndefined();
  });

  it('after start, a lost upstream is degraded (still ready), and back to ok when it answers again', async () => {
    const f = fakeUpstreams({ catalog: true, inventory: true });
    let t = 0;
    const r = new UpstreamReadiness(['catalog', 'inventory'], f.probe, { cacheMs: 1000, now: () => t });
    await expect(r.check()).resolves.toBeUndefined();
    f.up.catalog = false;
    t += 1000;
    await expect(r.check()).resolves.toBe('degraded');
    f.up.catalog = true;
    t += 1000;
    await expect(r.check()).resolves.toBeUndefined();
  });

  it('reuses an outcome within cacheMs: probes in a burst cost one call per upstream', async () => {
    const f = fakeUpstreams({ catalog: true });
    let t = 0;
    const r = new UpstreamReadiness(['catalog'], f.probe, { cacheMs: 1000, now: () => t });
    await Promise.all(Array.from({ length: 50 }, () => r.check()));
    t += 999;
    await r.check();
    expect(f.calls).toEqual(['catalog']);
    t += 1;
    await r.check();
    expect(f.calls).toEqual(['catalog', 'catalog']);
  });
});
