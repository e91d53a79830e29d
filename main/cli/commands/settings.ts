import { DEFAULT_SETTINGS, type Settings } from '../../contract/index.js';
import { createHandlers } from '../../core/handlers.js';
import { dispatch } from '../../core/dispatch.js';
import { parse } from '../args.js';
import { dataDirFrom, openApp } from '../context.js';
import { UsageError } from '../errors.js';
import { Output } from '../output.js';

export const settingsHelp = `Usage: vigil settings [get [KEY] | set KEY VALUE] [--json]

Reads or changes the non-secret settings (config.json in the data directory; the desktop app
and vigil serve pick changes up). Values are validated like the Settings screen does; geo files
must open as MaxMind-format .mmdb databases. Lists take commas (alertsColumns severity,title),
booleans true/false, and "" clears a path.

Keys: ${Object.keys(DEFAULT_SETTINGS).join(', ')}

Options:
  --json         print JSON
  --data-dir D   data directory (default: VIGIL_DATA_DIR, else the desktop app's)
  -h, --help     show this help`;

/** Turns the command-line text into the type the setting has. */
function coerce(key: keyof Settings, text: string): unknown {
  const def = DEFAULT_SETTINGS[key];
  if (typeof def === 'number') {
    if (!/^-?\d+$/.test(text)) throw new UsageError(`${key} takes a whole number, got "${text}"`, 'settings');
    return Number(text);
  }
  if (typeof def === 'boolean') {
    if (text !== 'true' && text !== 'false') throw new UsageError(`${key} takes true or false, got "${text}"`, 'settings');
    return text === 'true';
  }
  if (Array.isArray(def)) return text.split(',').map((x) => x.trim()).filter(Boolean);
  return text;
}

export async function settingsCommand(argv: string[], out = Output.stdout()): Promise<number> {
  const args = parse('settings', argv, { json: { type: 'boolean' }, 'data-dir': { type: 'string' } }, true);
  if (args.flag('help')) {
    await out.line(settingsHelp);
    return 0;
  }
  const [sub = 'get', key, value, extra] = args.positionals;
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`, 'settings');
  if (key !== undefined && !(key in DEFAULT_SETTINGS)) throw new UsageError(`unknown setting "${key}"`, 'settings');
  const app = await openApp(dataDirFrom(args.str('data-dir')), 'settings', { quiet: true });
  const s = app.services;
  try {
    if (sub === 'get') {
      const all = s.settings.get();
      if (key) {
        const v = all[key as keyof Settings];
        if (args.flag('json')) await out.json(v);
        else await out.line(Array.isArray(v) ? v.join(',') : String(v));
      } else if (args.flag('json')) await out.json(all);
      else await out.table([['SETTING', 'VALUE'], ...Object.entries(all).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v)])]);
      return 0;
    }
    if (sub === 'set') {
      if (key === undefined || value === undefined) throw new UsageError('settings set needs a KEY and a VALUE', 'settings');
      const patch = { [key]: coerce(key as keyof Settings, value) };
      const res = await dispatch(createHandlers(s), 'settings.set', { patch }, { actor: 'cli', transport: 'cli' }, s.logger);
      if (!res.ok) throw new UsageError([res.error.message, ...(res.error.issues ?? [])].join(': '), 'settings');
      const v = (res.result as Settings)[key as keyof Settings];
      if (args.flag('json')) await out.json(res.result);
      else await out.line(`${key} = ${Array.isArray(v) ? v.join(',') : String(v)}`);
      return 0;
    }
    throw new UsageError(`unknown settings command "${sub}" (expected get or set)`, 'settings');
  } finally {
    await app.close();
  }
}
