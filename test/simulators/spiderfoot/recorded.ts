import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The exchanges recorded from a real SpiderFoot 4.0.0 (see recorded/README.md). */
export interface RecordedExchange {
  name: string;
  request: { method: string; path: string; form: Record<string, string> | null; headers: Record<string, string> };
  response: { status: number; headers: Record<string, string>; body: string };
}

export const RECORDING: { server: string; recorded: string; exchanges: RecordedExchange[] } = JSON.parse(
  fs.readFileSync(fileURLToPath(new URL('./recorded/spiderfoot-4.0.0-exchanges.json', import.meta.url)), 'utf8'),
);

export function recorded(name: string): RecordedExchange {
  const e = RECORDING.exchanges.find((x) => x.name === name);
  if (!e) throw new Error(`no recorded exchange "${name}"`);
  return e;
}

/** SpiderFoot's "Not Found" page (CherryPy 404 for a missing parameter or an unknown path). */
export const NOT_FOUND_PAGE = recorded('startscan-missing-params').response.body;

/** `/eventtypes` as SpiderFoot 4.0.0 answers it: [type, description] pairs. */
export const EVENT_TYPES_BODY = recorded('eventtypes').response.body;
export const EVENT_TYPES = new Map((JSON.parse(EVENT_TYPES_BODY) as [string, string][]).map(([t, d]) => [t, d]));
