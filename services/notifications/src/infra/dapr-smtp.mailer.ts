import { DependencyUnavailableError } from '@dbcarts/errors';
import type { Sidecar } from '@dbcarts/dapr';
import { traceHeaders } from '@dbcarts/telemetry';
import type { MailerPort, OutgoingEmail } from '../app/ports/mailer.port';

/**
 * Email through the sidecar's SMTP output binding (components/default/smtp.yaml; the SMTP server,
 * sender and TLS are the component's business, so swapping the mail provider is a YAML change).
 * The binding sends one text/html body (gomail SetBody("text/html")): no multipart alternative,
 * so the plain-text rendering is what the customer's notification list shows.
 */
export class DaprSmtpMailer implements MailerPort {
  constructor(
    private readonly sidecar: Sidecar,
    private readonly binding = 'smtp',
    /** Longer than the binding's own SMTP dial timeout (10 s) would let a stuck server hold a delivery. */
    private readonly timeoutMs = 10_000,
  ) {}

  async send(email: OutgoingEmail): Promise<void> {
    let res: Response;
    try {
      res = await fetch(`${this.sidecar.baseUrl}/v1.0/bindings/${this.binding}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...traceHeaders() },
        // emailTo and subject are validated upstream (one address, no separators or line breaks):
        // the binding splits emailTo on ';' and writes subject into a header.
        body: JSON.stringify({
          operation: 'create',
          data: email.html,
          metadata: { emailTo: email.to, subject: email.subject },
        }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      throw new DependencyUnavailableError(`binding ${this.binding}`, (e as Error).message);
    }
    if (!res.ok) {
      const text = await res.text().catch(() => '');
      throw new DependencyUnavailableError(`binding ${this.binding}`, `HTTP ${res.status} ${text.slice(0, 300)}`);
    }
  }
}
