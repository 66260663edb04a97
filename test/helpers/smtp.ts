import { simpleParser } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface Received {
  attachments: { filename: string; content: Buffer }[];
  to: string;
  subject: string;
  text: string;
  messageId: string;
  language: string;
}

/** A real SMTP server on loopback that keeps every message it accepts. */
export async function startSmtp(): Promise<{
  port: number;
  inbox: Received[];
  close: () => Promise<void>;
}> {
  const inbox: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, done) {
      simpleParser(stream).then(
        (m) => {
          inbox.push({
            attachments: m.attachments.map((a) => ({
              filename: a.filename ?? '',
              content: a.content,
            })),
            to: (Array.isArray(m.to) ? m.to[0] : m.to)?.text ?? '',
            subject: m.subject ?? '',
            text: m.text ?? '',
            messageId: m.messageId ?? '',
            language: m.headers.get('content-language') as string,
          });
          done();
        },
        (e: Error) => done(e),
      );
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.server.address() as AddressInfo).port;
  return { port, inbox, close: () => new Promise((r) => server.close(() => r())) };
}
