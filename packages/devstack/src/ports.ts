import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

const handedOut = new Set<number>();

/**
 * The first port of the kernel's ephemeral range (outgoing connections take their local port from
 * it). A port handed out from that range can be taken by any outgoing connection before the process
 * it is meant for binds it: daprd binds its gRPC ports ~10 s after it starts, and under load (a bench's
 * 64 connections, other stacks) that lost the race twice in a row here ("listen tcp :36349: bind:
 * address already in use"). Ports below it are taken only by listeners.
 */
function ephemeralStart(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    const n = Number(low);
    return Number.isInteger(n) && n > 20_000 ? n : 32_768;
  } catch {
    return 32_768; // not Linux: the IANA range starts at 49152; below 32768 is below both
  }
}
const LOW = 20_000;
const HIGH = ephemeralStart(); // exclusive

/** Whether nothing listens on `port` on any address (the wildcard bind daprd makes). */
function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, () => srv.close(() => resolve(true)));
  });
}

/** A kernel-chosen port (from the ephemeral range): the fallback when the range below is crowded. */
function kernelPort(): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

/**
 * A free port below the ephemeral range, picked at random (stacks started at once by other processes
 * rarely pick the same) and checked bindable; never the same one twice in this process.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    if (handedOut.has(port)) continue;
    if (await bindable(port)) {
      handedOut.add(port);
      return port;
    }
  }
  for (;;) {
    const port = await kernelPort();
    if (port && !handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

export async function freePorts(n: number): Promise<number[]> {
  const ports: number[] = [];
  for (let i = 0; i < n; i++) ports.push(await freePort());
  return ports;
}
