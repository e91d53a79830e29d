import { AlertFilter } from '../contract/index.js';
import type { Parsed } from './args.js';
import { UsageError } from './errors.js';

/** Filter flags shared by `alerts list` and `alerts export`. */
export const FILTER_OPTIONS = {
  severity: { type: 'string' },
  'min-severity': { type: 'string' },
  status: { type: 'string' },
  priority: { type: 'string' },
  source: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  src: { type: 'string' },
  dst: { type: 'string' },
  technique: { type: 'string' },
  assignee: { type: 'string' },
  host: { type: 'string' },
  rule: { type: 'string' },
  tag: { type: 'string' },
  text: { type: 'string' },
} as const;

export const FILTER_HELP = `Filters:
  --severity LIST      info,low,medium,high,critical (any of)
  --min-severity S     this severity or higher
  --status LIST        NEW,ACKNOWLEDGED,INVESTIGATING,SUPPRESSED,RESOLVED,FALSE_POSITIVE
  --priority LIST      P1,P2,P3,P4
  --source LIST        suricata,wazuh
  --since T            15m, 1h, 24h, 7d, or an ISO 8601 time (on last_seen)
  --until T            same forms; exclusive
  --src IP|CIDR        source address or block (IPv4 or IPv6)
  --dst IP|CIDR        destination address or block
  --technique ID       ATT&CK technique (T1110 also matches T1110.001)
  --assignee NAME
  --host NAME|IP       exact host: agent name or id, Suricata sensor, or an address (either side)
  --rule ID            exact rule id (Suricata signature id, Wazuh rule id, vigil:brute_force ...)
  --tag TAG            alerts carrying this tag
  --text WORDS         full-text search over titles, rules, addresses and raw events`;

function list(v: string | undefined, upper = false): string[] | undefined {
  if (v === undefined) return undefined;
  const items = v.split(',').map((x) => x.trim()).filter(Boolean);
  return upper ? items.map((x) => x.toUpperCase()) : items.map((x) => x.toLowerCase());
}

/** "15m" / "24h" / "7d" / ISO → ISO. */
export function parseTime(command: string, flag: string, v: string | undefined, now: Date): string | undefined {
  if (v === undefined) return undefined;
  const rel = /^(\d+)\s*([smhd])$/.exec(v.trim());
  if (rel) {
    const ms = Number(rel[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[rel[2] as 's' | 'm' | 'h' | 'd'];
    return new Date(now.getTime() - ms).toISOString();
  }
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new UsageError(`--${flag} must be like 15m, 24h, 7d or an ISO 8601 time, got "${v}"`, command);
  return new Date(t).toISOString();
}

export function filterFromArgs(command: string, args: Parsed, now: Date): AlertFilter {
  const raw = {
    severity: list(args.str('severity')),
    min_severity: args.str('min-severity')?.toLowerCase(),
    status: list(args.str('status'), true),
    priority: list(args.str('priority'), true),
    source: list(args.str('source')),
    from: parseTime(command, 'since', args.str('since'), now),
    to: parseTime(command, 'until', args.str('until'), now),
    src_ip: args.str('src'),
    dst_ip: args.str('dst'),
    technique: args.str('technique')?.toUpperCase(),
    assignee: args.str('assignee'),
    host: args.str('host'),
    rule_id: args.str('rule'),
    tag: args.str('tag'),
    text: args.str('text'),
  };
  const clean = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));
  const parsed = AlertFilter.safeParse(clean);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new UsageError(`invalid filter ${i.path.join('.')}: ${i.message}`, command);
  }
  return parsed.data;
}
