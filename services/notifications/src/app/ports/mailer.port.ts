export interface OutgoingEmail {
  to: string;
  subject: string;
  html: string;
}

export interface MailerPort {
  /** Resolves once the SMTP server accepted the message; throws otherwise (the caller retries). */
  send(email: OutgoingEmail): Promise<void>;
}
