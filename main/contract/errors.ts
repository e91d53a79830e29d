import { z } from 'zod';

export const ERROR_CODES = [
  'BAD_REQUEST',
  'UNKNOWN_CHANNEL',
  'NOT_FOUND',
  'CONFLICT',
  'FORBIDDEN',
  'UNAUTHORIZED',
  'INTERNAL',
  // a call dropped before it ran because the same caller asked a newer one of its kind (a hunt count)
  'SUPERSEDED',
] as const;
export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** The one error shape every transport returns for a failed call. */
export const ContractErrorShape = z.object({
  code: ErrorCode,
  message: z.string(),
  /** Validation problems, one line each ("limit: Too big: expected number to be <=500"). */
  issues: z.array(z.string()).optional(),
});
export type ContractErrorShape = z.infer<typeof ContractErrorShape>;

/** Thrown by handlers and transports; carried across the wire as ContractErrorShape. */
export class ContractError extends Error {
  readonly code: ErrorCode;
  readonly issues: string[] | undefined;
  constructor(code: ErrorCode, message: string, issues?: string[]) {
    super(message);
    this.name = 'ContractError';
    this.code = code;
    this.issues = issues;
  }
  toJSON(): ContractErrorShape {
    return this.issues ? { code: this.code, message: this.message, issues: this.issues } : { code: this.code, message: this.message };
  }
}
