import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The recorded gvmd exchanges and gvmd's protocol examples (test/fixtures/gvm, see its README). */

export interface RecordedExchange {
  name: string;
  request?: string;
  response?: string;
  end?: 'complete' | 'socket-closed';
  note?: string;
  tls?: Record<string, unknown>;
}

export interface Recording {
  server: string;
  target: 'unix' | 'tls';
  exchanges: RecordedExchange[];
}

export interface ProtocolExample {
  summary: string;
  request: string;
  response: string;
  has_truncated_marker: boolean;
}

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'gvm');

export function loadRecording(kind: 'unix' | 'tls'): Recording {
  return JSON.parse(fs.readFileSync(path.join(dir, `gvmd-${kind}-exchanges.json`), 'utf8')) as Recording;
}

export function loadProtocolExamples(): Record<string, ProtocolExample[]> {
  return (JSON.parse(fs.readFileSync(path.join(dir, 'gmp-protocol-examples.json'), 'utf8')) as { commands: Record<string, ProtocolExample[]> }).commands;
}

/** The recorded exchange with that name (the first one when repeated). */
export function exchange(rec: Recording, name: string): RecordedExchange & { request: string; response: string } {
  const e = rec.exchanges.find((x) => x.name === name);
  if (!e || e.request === undefined || e.response === undefined) throw new Error(`no recorded exchange ${name} in the ${rec.target} recording`);
  return e as RecordedExchange & { request: string; response: string };
}
