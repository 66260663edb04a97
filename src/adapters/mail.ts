import type { Transporter } from 'nodemailer';
import type { MailConfig } from '../config.js';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  /** The same id for every attempt at one notification, so that receivers can drop repeats. */
  messageId: string;
  language: string;
  attachments?: { filename: string; content: Buffer; contentType: string }[];
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/** Mail over SMTP with nodemailer: STARTTLS when the server offers it, smtps:// for TLS. */
export function smtpMailer(config: MailConfig): Mailer {
  let transport: Transporter | null = null;
  return {
    async send(mail) {
      // Loaded on the first message, not at every start of the command line.
      transport ??= (await import('nodemailer')).default.createTransport(config.url);
      await transport.sendMail({
        from: config.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        messageId: mail.messageId,
        headers: { 'Content-Language': mail.language },
        ...(mail.attachments ? { attachments: mail.attachments } : {}),
      });
    },
    close: () => transport?.close(),
  };
}
