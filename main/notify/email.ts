import nodemailer from 'nodemailer';

export interface SmtpTarget {
  host: string;
  port: number;
  /** Refuse to send in clear: STARTTLS must succeed (implicit TLS on port 465). */
  requireTls: boolean;
  ca?: string | undefined;
  user?: string | undefined;
  password?: string | undefined;
  timeoutMs: number;
}

export interface EmailMessage {
  from: string;
  to: readonly string[];
  subject: string;
  text: string;
}

/** Sends one mail with nodemailer (STARTTLS, AUTH, timeouts); resolves with the server's answer. */
export async function sendEmail(target: SmtpTarget, msg: EmailMessage): Promise<{ messageId: string; response: string; accepted: string[] }> {
  const transport = nodemailer.createTransport({
    host: target.host,
    port: target.port,
    secure: target.port === 465,
    requireTLS: target.requireTls && target.port !== 465,
    connectionTimeout: target.timeoutMs,
    greetingTimeout: target.timeoutMs,
    socketTimeout: target.timeoutMs,
    tls: target.ca ? { ca: target.ca } : {},
    ...(target.user ? { auth: { user: target.user, pass: target.password ?? '' } } : {}),
  });
  try {
    const info = await transport.sendMail({ from: msg.from, to: [...msg.to], subject: msg.subject, text: msg.text });
    return { messageId: info.messageId, response: info.response, accepted: info.accepted.map(String) };
  } finally {
    transport.close();
  }
}
