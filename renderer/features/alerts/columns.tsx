import type { Alert } from '../../../main/contract/alerts.js';
import type { Settings } from '../../../main/contract/settings.js';
import { PriorityBadge, RiskMeter, SeverityBadge, StatusBadge } from '../../components/badges.js';
import { formatCount, formatEndpoint, formatLocalTime, utcTitle } from '../../lib/format.js';
import type { SortField } from '../../stores/alerts.js';

export type ColumnKey = Settings['alertsColumns'][number];

type Exhaustive<T extends never> = T;

/** Every column the table offers, in their natural order. */
export const ALL_COLUMNS = [
  'severity',
  'priority',
  'status',
  'title',
  'source',
  'host',
  'src',
  'dst',
  'count',
  'risk',
  'technique',
  'assignee',
  'first_seen',
  'last_seen',
] as const satisfies readonly ColumnKey[];
export type ColumnsCheck = Exhaustive<Exclude<ColumnKey, (typeof ALL_COLUMNS)[number]>>;

/** The contract's default (used until settings load). */
export const DEFAULT_COLUMNS: readonly ColumnKey[] = ['severity', 'priority', 'status', 'title', 'source', 'host', 'src', 'dst', 'count', 'risk', 'last_seen'];

/** What the table shows beside an open alert detail. */
export const COMPACT_COLUMNS: readonly ColumnKey[] = ['severity', 'status', 'title'];

export interface ColumnDef {
  label: string;
  /** Track in grid-template-columns, and its minimum width in px (for the horizontal scroll width). */
  track: string;
  min: number;
  sort?: SortField;
  numeric?: boolean;
}

export const COLUMN_DEFS: Record<ColumnKey, ColumnDef> = {
  severity: { label: 'Severity', track: '96px', min: 96, sort: 'severity' },
  priority: { label: 'Priority', track: '72px', min: 72, sort: 'priority' },
  status: { label: 'Status', track: '124px', min: 124 },
  title: { label: 'Title', track: 'minmax(220px, 1fr)', min: 220 },
  source: { label: 'Source', track: '80px', min: 80 },
  host: { label: 'Host', track: 'minmax(112px, 150px)', min: 112 },
  src: { label: 'Src', track: 'minmax(128px, 160px)', min: 128 },
  dst: { label: 'Dst', track: 'minmax(128px, 160px)', min: 128 },
  count: { label: 'Count', track: '72px', min: 72, sort: 'count', numeric: true },
  risk: { label: 'Risk', track: '84px', min: 84, sort: 'risk_score', numeric: true },
  technique: { label: 'Technique', track: '112px', min: 112 },
  assignee: { label: 'Assignee', track: '112px', min: 112 },
  first_seen: { label: 'First seen', track: '132px', min: 132, sort: 'first_seen' },
  last_seen: { label: 'Last seen', track: '132px', min: 132, sort: 'last_seen' },
};

export const CHECK_TRACK = 36;

export function gridTemplate(cols: readonly ColumnKey[]): { template: string; min: number } {
  return {
    template: [`${CHECK_TRACK}px`, ...cols.map((c) => COLUMN_DEFS[c].track)].join(' '),
    min: CHECK_TRACK + cols.reduce((n, c) => n + COLUMN_DEFS[c].min, 0),
  };
}

/** Keeps known, unique columns in the given order; never empty. */
export function normalizeColumns(list: readonly string[] | undefined): ColumnKey[] {
  const known = new Set<string>(ALL_COLUMNS);
  const out: ColumnKey[] = [];
  for (const c of list ?? DEFAULT_COLUMNS) if (known.has(c) && !out.includes(c as ColumnKey)) out.push(c as ColumnKey);
  return out.length > 0 ? out : [...DEFAULT_COLUMNS];
}

function Endpoint({ ip, port }: { ip: string | null; port: number | null }) {
  const text = formatEndpoint(ip, port);
  if (!text) return <span className="faint">—</span>;
  return (
    <span className="mono ellipsis" title={text}>
      {text}
    </span>
  );
}

/** The alert's host: the agent's name for host alerts, else the address (tooltip: agent id, sensor). */
function Host({ alert: a }: { alert: Alert }) {
  if (!a.host) return <span className="faint">—</span>;
  const agent = a.agent !== null;
  const title = [a.host, agent && a.agent?.id ? `agent ${a.agent.id}` : null, a.sensor ? `sensor ${a.sensor}` : null].filter(Boolean).join(' · ');
  return (
    <span className={`ellipsis${agent ? ' host-agent' : ' mono'}`} title={title}>
      {a.host}
    </span>
  );
}

function Time({ iso }: { iso: string }) {
  return (
    <time dateTime={iso} title={utcTitle(iso)} className="num">
      {formatLocalTime(iso)}
    </time>
  );
}

export function CellContent({ col, alert: a }: { col: ColumnKey; alert: Alert }) {
  switch (col) {
    case 'severity':
      return <SeverityBadge severity={a.severity} />;
    case 'priority':
      return <PriorityBadge priority={a.priority} />;
    case 'status':
      return <StatusBadge status={a.status} />;
    case 'title':
      return (
        <a
          href={`#/alerts/${a.id}`}
          tabIndex={-1}
          className="title-text ellipsis"
          title={a.rule_id ? `${a.title}\nRule ${a.rule_id}` : a.title}
        >
          {a.title}
        </a>
      );
    case 'source':
      return (
        <span className="ellipsis source-text" title={a.source}>
          {a.source}
        </span>
      );
    case 'host':
      return <Host alert={a} />;
    case 'src':
      return <Endpoint ip={a.src_ip} port={a.src_port} />;
    case 'dst':
      return <Endpoint ip={a.dst_ip} port={a.dst_port} />;
    case 'count':
      return <>{formatCount(a.count)}</>;
    case 'risk':
      return <RiskMeter score={a.risk_score} />;
    case 'technique':
      return a.technique_ids.length > 0 ? (
        <span className="mono ellipsis" title={a.technique_ids.join(', ')}>
          {a.technique_ids.join(', ')}
        </span>
      ) : (
        <span className="faint">—</span>
      );
    case 'assignee':
      return a.assignee ? (
        <span className="ellipsis" title={a.assignee}>
          {a.assignee}
        </span>
      ) : (
        <span className="faint">—</span>
      );
    case 'first_seen':
      return <Time iso={a.first_seen} />;
    case 'last_seen':
      return <Time iso={a.last_seen} />;
  }
}
