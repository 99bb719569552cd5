import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePorts } from './ports';

const ephemeralStart = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);

describe('freePorts', () => {
  it('hands out distinct ports below the ephemeral range, each one bindable on every address', async () => {
    const ports = await freePorts(40);
    expect(new Set(ports).size).toBe(40);
    for (const port of ports) {
      // An outgoing connection never takes one of these: they are below where the kernel picks from.
      expect(port).toBeLessThan(ephemeralStart);
      await new Promise<void>((resolve, reject) => {
        const srv = createServer().once('error', reject);
        srv.listen(port, () => srv.close(() => resolve()));
      });
    }
  });
});
