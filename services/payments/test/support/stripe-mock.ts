import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@dbcarts/devstack';
import { type Recorded, startRecorder } from './recorder';

// stripe-mock (built from the Go module proxy by scripts/build-stripe-mock.sh) on a free port, behind
// a recording proxy so tests can check what the SDK put on the wire (paths, bodies, Idempotency-Key).

const ROOT = join(__dirname, '..', '..', '..', '..');
const BIN_DIR = process.env.STRIPE_MOCK_BIN_DIR ?? join(ROOT, '.dapr', 'bin');

export interface StripeMock {
  /** The recording proxy's origin: give this to the adapter as its API URL. */
  url: string;
  requests: Recorded[];
  stop(): Promise<void>;
}

/** Builds stripe-mock when missing (the script skips when it exists; a cold build is ~20 s here). */
export function ensureStripeMock(): Promise<string> {
  const bin = join(BIN_DIR, 'stripe-mock');
  if (existsSync(bin) && existsSync(join(BIN_DIR, 'stripe-mock-fixtures.json'))) return Promise.resolve(bin);
  return new Promise((resolve, reject) =>
    execFile('bash', [join(ROOT, 'scripts', 'build-stripe-mock.sh')], { timeout: 600_000 }, (err, _o, stderr) =>
      err ? reject(new Error(`stripe-mock build failed: ${stderr.slice(-2000)}`)) : resolve(bin),
    ),
  );
}

/**
 * Starts stripe-mock with its own fixtures, changed only where a test needs another answer: by
 * default a PaymentIntent comes back `requires_capture` (authorized, manual capture), as Stripe
 * answers a confirmed card; `paymentIntentStatus` picks another (e.g. the bundled
 * `requires_payment_method`, a failed attempt).
 */
export async function startStripeMock(opts: { paymentIntentStatus?: string } = {}): Promise<StripeMock> {
  const bin = await ensureStripeMock();
  const fixtures = JSON.parse(readFileSync(join(BIN_DIR, 'stripe-mock-fixtures.json'), 'utf8'));
  const pi = fixtures.resources.payment_intent;
  Object.assign(pi, {
    status: opts.paymentIntentStatus ?? 'requires_capture',
    capture_method: 'manual',
    amount_capturable: pi.amount,
  });
  const dir = mkdtempSync(join(tmpdir(), 'stripe-mock-'));
  const file = join(dir, 'fixtures.json');
  writeFileSync(file, JSON.stringify(fixtures));
  const [port, tlsPort] = [await freePort(), await freePort()];
  // Both addresses given: with -http-addr alone it still binds HTTPS on its default :12112 (a second
  // instance then exits), and loopback only.
  const args = ['-http-addr', `127.0.0.1:${port}`, '-https-addr', `127.0.0.1:${tlsPort}`, '-fixtures', file];
  const child: ChildProcess = spawn(bin, args, { stdio: 'ignore' });
  await waitUntilUp(`http://127.0.0.1:${port}`, child);
  const recorder = await startRecorder(`http://127.0.0.1:${port}`);
  return {
    url: recorder.url,
    requests: recorder.requests,
    stop: async () => {
      await recorder.stop();
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    },
  };
}

async function waitUntilUp(origin: string, child: ChildProcess): Promise<void> {
  // It loads an 8 MB OpenAPI spec at start: ~2 s idle, over 10 s on two busy cores.
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`stripe-mock exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${origin}/v1/balance`, {
        headers: { authorization: 'Bearer sk_test_123' },
        signal: AbortSignal.timeout(1000),
      });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('stripe-mock did not start within 60 s');
}
