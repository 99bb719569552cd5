import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkInfra, InfraUnreachableError } from './infra';
import { readManifest, SERVICES } from './manifest';
import { freePort } from './ports';
import { setMetadata } from './resources';

describe('checkInfra', () => {
  it('names every unreachable dependency with its address and the command that starts it', async () => {
    const port = await freePort(); // free, so nothing listens there
    const dep = { name: 'Redis', host: '127.0.0.1', port, howToStart: 'redis-server --port X' };
    const err = await checkInfra([dep]).catch((e) => e);
    expect(err).toBeInstanceOf(InfraUnreachableError);
    expect(err.message).toContain(`Redis on 127.0.0.1:${port}`);
    expect(err.message).toContain('redis-server --port X');
  });
});

describe('setMetadata', () => {
  it('sets the named metadata values of a component and leaves the rest', () => {
    const yaml = `spec:\n  metadata:\n    - name: redisHost\n      value: "127.0.0.1:6379"\n    - name: redisDB\n      value: "0"\n`;
    const out = setMetadata(yaml, { redisDB: '7', absent: 'x' });
    expect(out).toContain('- name: redisDB\n      value: "7"');
    expect(out).toContain('value: "127.0.0.1:6379"');
  });
});

describe('SERVICES', () => {
  it('names every service under services/ once, each with a manifest', () => {
    const root = join(__dirname, '..', '..', '..');
    const dirs = readdirSync(join(root, 'services'), { withFileTypes: true }).filter((d) => d.isDirectory());
    expect([...SERVICES].sort()).toEqual(dirs.map((d) => d.name).sort());
    for (const appId of SERVICES) expect(readManifest(root, appId).appId).toBe(appId);
  });
});
