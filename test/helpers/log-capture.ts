import type { Logger } from '../../main/core/logger.js';

/** A logger that keeps every line (message and fields) for "never logs a secret" checks. */
export function captureLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const push = (msg: string, fields?: Record<string, unknown>) => void lines.push(`${msg} ${JSON.stringify(fields ?? {})}`);
  return { lines, info: push, warn: push, error: push };
}
