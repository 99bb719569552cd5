import { findToolBinary } from './binaries';
import { freePorts } from './ports';
import { ManagedProcess, waitForHttp } from './process';

/**
 * Mailpit (github.com/axllent/mailpit): a real SMTP server with an HTTP API, where the notifications
 * service's email lands on a developer machine and in tests. Built by scripts/build-mailpit.sh into
 * .dapr/bin beside daprd. A service asks for one with `"infra": ["mailpit"]` in its manifest; each
 * stack gets its own (free ports in tests), and the smtp binding is pointed at it through the
 * per-stack component metadata (`smtp.yaml#host`, `smtp.yaml#port`).
 */
export interface MailpitOptions {
  repoRoot: string;
  logFile: string;
  /** Its message store; kept across a restart so a test can count what arrived before and after. */
  databaseFile: string;
  /** Fixed ports (a dev stack); free ones when absent. */
  smtpPort?: number;
  httpPort?: number;
  timeoutMs?: number;
}

/** MAILPIT_BIN, then the project's build (.dapr/bin/mailpit). */
export function findMailpitBinary(repoRoot: string): string {
  return findToolBinary(repoRoot, 'mailpit', 'MAILPIT_BIN', 'scripts/build-mailpit.sh');
}

export class Mailpit {
  private proc?: ManagedProcess;

  private constructor(
    private readonly opts: MailpitOptions,
    private readonly binary: string,
    readonly smtpPort: number,
    readonly httpPort: number,
  ) {}

  static async start(opts: MailpitOptions): Promise<Mailpit> {
    const binary = findMailpitBinary(opts.repoRoot);
    const [smtp, http] = opts.smtpPort && opts.httpPort ? [opts.smtpPort, opts.httpPort] : await freePorts(2);
    const mailpit = new Mailpit(opts, binary, smtp as number, http as number);
    await mailpit.start();
    return mailpit;
  }

  /** Where its HTTP API and web page answer. */
  get url(): string {
    return `http://127.0.0.1:${this.httpPort}`;
  }

  /** Component metadata that points the smtp binding at this server. */
  get metadata(): Record<string, string> {
    return { 'smtp.yaml#host': '127.0.0.1', 'smtp.yaml#port': String(this.smtpPort) };
  }

  /** Starts it (again, after stop(): same ports, same messages). */
  async start(): Promise<void> {
    this.proc = new ManagedProcess({
      name: 'mailpit',
      command: this.binary,
      args: [
        '--smtp',
        `127.0.0.1:${this.smtpPort}`,
        '--listen',
        `127.0.0.1:${this.httpPort}`,
        '--database',
        this.opts.databaseFile,
        // No reverse DNS per SMTP connection (a slow resolver would delay every message) and no
        // online release check: nothing leaves the machine.
        '--smtp-disable-rdns',
        '--disable-version-check',
      ],
      logFile: this.opts.logFile,
    }).start();
    await waitForHttp(`${this.url}/livez`, this.proc, this.opts.timeoutMs ?? 30_000);
  }

  async stop(): Promise<void> {
    await this.proc?.stop();
  }
}
