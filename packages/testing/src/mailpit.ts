import { join } from 'node:path';
import { Mailpit } from '@dbcarts/devstack';

/** One message as Mailpit's list shows it (GET /api/v1/messages). */
export interface MailpitSummary {
  ID: string;
  From: { Name: string; Address: string };
  To: { Name: string; Address: string }[];
  Subject: string;
  /** When Mailpit received it (RFC 3339, sub-millisecond). */
  Created: string;
  Snippet: string;
}

/** One message in full (GET /api/v1/message/{ID}). */
export interface MailpitMessage extends Omit<MailpitSummary, 'Created' | 'Snippet'> {
  Date: string;
  Text: string;
  HTML: string;
}

/**
 * The run's own Mailpit, for services whose manifest asks for one: the smtp binding sends to it, and
 * a test reads what arrived over Mailpit's HTTP API. Every call has a timeout.
 */
export class TestMailpit {
  constructor(readonly server: Mailpit) {}

  get url(): string {
    return this.server.url;
  }

  /** Every message received so far, newest first. */
  async messages(): Promise<MailpitSummary[]> {
    const body = await this.get<{ messages: MailpitSummary[] }>('/api/v1/messages?limit=5000');
    return body.messages;
  }

  /** The messages sent to one address (exact, case-insensitive), newest first. */
  async messagesTo(address: string): Promise<MailpitSummary[]> {
    const want = address.toLowerCase();
    return (await this.messages()).filter((m) => m.To.some((t) => t.Address.toLowerCase() === want));
  }

  message(id: string): Promise<MailpitMessage> {
    return this.get<MailpitMessage>(`/api/v1/message/${encodeURIComponent(id)}`);
  }

  /** Takes the SMTP server away (the stack keeps running) ... */
  stop(): Promise<void> {
    return this.server.stop();
  }

  /** ... and brings it back on the same ports with the same messages. */
  start(): Promise<void> {
    return this.server.start();
  }

  private async get<T>(path: string): Promise<T> {
    const res = await fetch(`${this.url}${path}`, { signal: AbortSignal.timeout(5_000) });
    if (!res.ok) throw new Error(`Mailpit ${path}: HTTP ${res.status}`);
    return (await res.json()) as T;
  }
}

export async function startTestMailpit(repoRoot: string, runDir: string): Promise<TestMailpit> {
  const server = await Mailpit.start({
    repoRoot,
    logFile: join(runDir, 'logs', 'mailpit.log'),
    databaseFile: join(runDir, 'mailpit.db'),
  });
  return new TestMailpit(server);
}
