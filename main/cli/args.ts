import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs in strict mode, with its errors turned into one-line usage errors. */
export interface Parsed {
  values: Record<string, string | boolean | undefined> & { help?: boolean };
  positionals: string[];
  /** A string option's value (undefined when absent). */
  str(name: string): string | undefined;
  /** A boolean flag's value. */
  flag(name: string): boolean;
}

export function parse(command: string, argv: string[], options: Options, allowPositionals = false): Parsed {
  try {
    const out = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals });
    const values = out.values as Parsed['values'];
    return {
      values,
      positionals: out.positionals,
      str: (name) => (typeof values[name] === 'string' ? (values[name] as string) : undefined),
      flag: (name) => values[name] === true,
    };
  } catch (err) {
    const msg = err instanceof Error ? err.message.split('\n')[0]! : String(err);
    throw new UsageError(msg.replace(/^Unknown option/, 'unknown option').replace(/\. To specify a positional argument.*$/, ''), command);
  }
}

export function intOption(command: string, name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a whole number, got "${value}"`, command);
  const n = Number(value);
  if (n < min || n > max) throw new UsageError(`--${name} must be between ${min} and ${max}, got ${n}`, command);
  return n;
}
