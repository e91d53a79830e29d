import type { ContractErrorShape, ErrorCode } from '../../main/contract/errors.js';

/**
 * Codes an ApiError can carry: the contract's codes, plus two the renderer's transports add
 * for failures that never reached a handler.
 * - DISCONNECTED: the connection dropped while the call was in flight (headless transport).
 * - TRANSPORT: the bridge itself failed or answered something that is not a contract frame.
 */
export type ApiErrorCode = ErrorCode | 'DISCONNECTED' | 'TRANSPORT';

/** The one error type `api.call` rejects with. */
export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly issues: string[] | undefined;
  /** The channel the failed call was made on, when known. */
  readonly channel: string | undefined;

  constructor(code: ApiErrorCode, message: string, issues?: string[], channel?: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.issues = issues;
    this.channel = channel;
  }

  static fromShape(shape: ContractErrorShape, channel?: string): ApiError {
    return new ApiError(shape.code, shape.message, shape.issues, channel);
  }

  /** Wraps anything thrown by a transport into an ApiError (keeps ApiErrors as they are). */
  static from(err: unknown, channel?: string): ApiError {
    if (err instanceof ApiError) return err;
    if (isErrorShape(err)) return ApiError.fromShape(err, channel);
    const message = err instanceof Error ? err.message : String(err);
    return new ApiError('TRANSPORT', message || 'The call failed', undefined, channel);
  }

  /** A one-line description for the UI: message plus validation issues, if any. */
  describe(): string {
    return this.issues && this.issues.length > 0 ? `${this.message} (${this.issues.join('; ')})` : this.message;
  }
}

const CONTRACT_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'BAD_REQUEST',
  'UNKNOWN_CHANNEL',
  'NOT_FOUND',
  'CONFLICT',
  'FORBIDDEN',
  'UNAUTHORIZED',
  'INTERNAL',
  'SUPERSEDED',
]);

/** Structural check for a ContractErrorShape arriving over a transport (never trusted blindly). */
export function isErrorShape(value: unknown): value is ContractErrorShape {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  if (typeof v.code !== 'string' || !CONTRACT_CODES.has(v.code)) return false;
  if (typeof v.message !== 'string') return false;
  if (v.issues !== undefined && !(Array.isArray(v.issues) && v.issues.every((i) => typeof i === 'string'))) return false;
  return true;
}

/** Message for any error caught in UI code. */
export function errorMessage(err: unknown): string {
  return err instanceof ApiError ? err.describe() : err instanceof Error ? err.message : String(err);
}
