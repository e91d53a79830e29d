/**
 * Typed errors of the GMP client. Every error carries a stable `code` so callers (the scans
 * service, "test connection") can branch without parsing messages. Messages never contain a
 * password or a whole command: at most the command's name.
 */

export type GmpErrorCode =
  | 'config'
  | 'input'
  | 'connect'
  | 'untrusted-certificate'
  | 'tls'
  | 'connection-lost'
  | 'timeout'
  | 'protocol'
  | 'status'
  | 'auth-failed'
  | 'stalled';

export class GmpError extends Error {
  readonly code: GmpErrorCode;
  constructor(code: GmpErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GmpError';
    this.code = code;
  }
}

/** The client was configured wrongly (bad options, unreadable CA or key file). */
export class GmpConfigError extends GmpError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('config', message, options);
    this.name = 'GmpConfigError';
  }
}

/** A caller's argument cannot be sent (empty name, a character XML cannot carry, a malformed id). */
export class GmpInputError extends GmpError {
  constructor(message: string) {
    super('input', message);
    this.name = 'GmpInputError';
  }
}

/** The socket could not be opened (refused, no such unix socket, DNS, TLS handshake failure). */
export class GmpConnectError extends GmpError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('connect', message, options);
    this.name = 'GmpConnectError';
  }
}

/**
 * The server's certificate is not trusted: not signed by the configured CA (or a system CA), the
 * host name does not match, or it does not match the pinned fingerprint. Nothing was sent on the
 * socket. `fingerprint256` (AA:BB:...) is what the analyst checks and pins to trust it.
 */
export class GmpUntrustedCertificateError extends GmpError {
  readonly fingerprint256: string;
  readonly subject: string;
  readonly issuer: string;
  readonly validTo: string;
  readonly reason: 'not-trusted' | 'hostname-mismatch' | 'pin-mismatch';
  constructor(info: { fingerprint256: string; subject: string; issuer: string; validTo: string; reason: GmpUntrustedCertificateError['reason']; detail: string }) {
    super('untrusted-certificate', `untrusted server certificate (${info.detail}); SHA-256 fingerprint ${info.fingerprint256}`);
    this.name = 'GmpUntrustedCertificateError';
    this.fingerprint256 = info.fingerprint256;
    this.subject = info.subject;
    this.issuer = info.issuer;
    this.validTo = info.validTo;
    this.reason = info.reason;
  }
}

/** The TLS layer failed after connecting (e.g. the server demanded a client certificate). */
export class GmpTlsError extends GmpError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('tls', message, options);
    this.name = 'GmpTlsError';
  }
}

/**
 * The socket closed or failed while a command was in flight. `maybeApplied` is true when the
 * command had been sent and may have taken effect on the server (a create or start whose reply
 * was lost): the client does not retry those.
 */
export class GmpConnectionLostError extends GmpError {
  readonly command: string;
  readonly maybeApplied: boolean;
  /** For a results import: how many results had been yielded before the drop. */
  readonly yielded: number;
  constructor(command: string, detail: string, opts: { maybeApplied: boolean; yielded?: number; cause?: unknown }) {
    super('connection-lost', `connection lost during ${command}: ${detail}`, { cause: opts.cause });
    this.name = 'GmpConnectionLostError';
    this.command = command;
    this.maybeApplied = opts.maybeApplied;
    this.yielded = opts.yielded ?? 0;
  }
}

/** No byte of the reply arrived for `timeoutMs` (the connection is dropped: a late reply cannot be matched). */
export class GmpTimeoutError extends GmpError {
  readonly command: string;
  readonly timeoutMs: number;
  constructor(command: string, timeoutMs: number) {
    super('timeout', `${command}: no reply from the server for ${timeoutMs} ms`);
    this.name = 'GmpTimeoutError';
    this.command = command;
    this.timeoutMs = timeoutMs;
  }
}

/** The reply is not what GMP promises: malformed XML, an unexpected root element, a missing field, an oversized reply. */
export class GmpProtocolError extends GmpError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('protocol', message, options);
    this.name = 'GmpProtocolError';
  }
}

/** What a status code means, so callers need not remember the numbers. */
export type GmpStatusKind = 'bad-request' | 'unauthenticated' | 'forbidden' | 'not-found' | 'busy' | 'internal' | 'unavailable' | 'other';

export function statusKind(status: number): GmpStatusKind {
  switch (status) {
    case 400:
      return 'bad-request';
    case 401:
      return 'unauthenticated';
    case 403:
      return 'forbidden';
    case 404:
      return 'not-found';
    case 409:
      return 'busy';
    case 500:
      return 'internal';
    case 503:
      return 'unavailable';
    default:
      return 'other';
  }
}

/** gvmd answered with a status that is not 2xx. */
export class GmpStatusError extends GmpError {
  readonly command: string;
  readonly status: number;
  readonly statusText: string;
  readonly kind: GmpStatusKind;
  constructor(command: string, status: number, statusText: string, code: GmpErrorCode = 'status') {
    super(code, `${command} failed: ${status} ${statusText}`);
    this.name = 'GmpStatusError';
    this.command = command;
    this.status = status;
    this.statusText = statusText;
    this.kind = statusKind(status);
  }
}

/** `<authenticate>` was refused (gvmd answers 400 "Authentication failed" and keeps the socket open). */
export class GmpAuthError extends GmpStatusError {
  constructor(status: number, statusText: string) {
    super('authenticate', status, statusText, 'auth-failed');
    this.name = 'GmpAuthError';
  }
}

/** A task's status and progress did not change for the allowed time while it was still active. */
export class GmpTaskStalledError extends GmpError {
  readonly taskId: string;
  readonly status: string;
  readonly progress: number | null;
  constructor(taskId: string, status: string, progress: number | null, polls: number) {
    super('stalled', `task ${taskId} made no progress for ${polls} polls (status ${status}, progress ${progress ?? '-'})`);
    this.name = 'GmpTaskStalledError';
    this.taskId = taskId;
    this.status = status;
    this.progress = progress;
  }
}
