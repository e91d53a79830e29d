import type { Alert } from '../../../main/contract/alerts.js';
import type { Settings } from '../../../main/contract/settings.js';
import { PriorityBadge, RiskMeter, SeverityBadge, StatusBadge } from '../../components/badges.js';
import { Time } from '../../components/Time.js';
import { formatCount, formatEndpoint } from '../../lib/format.js';
import { currentViewHref, type SortField } from '../../stores/alerts.js';
import { navigate } from '../../app/router.js';
import { Value } from '../../components/ValueMenu.js';

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
  /** Track in grid-template-columns, and its minimum width in px (what fitting counts on). */
  track: string;
  min: number;
  sort?: SortField;
  numeric?: boolean;
}

/** The title takes the free width, and never less than this. */
export const TITLE_MIN = 260;
/** Below this, low-value columns make room for the title even when everything would fit. */
export const TITLE_COMFORT = 340;
/** How far the title shrinks when nothing is left to collapse (the list beside an open alert). */
export const TITLE_FLOOR = 120;

export const COLUMN_DEFS: Record<ColumnKey, ColumnDef> = {
  severity: { label: 'Severity', track: '92px', min: 92, sort: 'severity' },
  priority: { label: 'Priority', track: '64px', min: 64, sort: 'priority' },
  status: { label: 'Status', track: '108px', min: 108 },
  title: { label: 'Title', track: `minmax(${TITLE_FLOOR}px, 1fr)`, min: TITLE_MIN },
  source: { label: 'Source', track: '76px', min: 76 },
  host: { label: 'Host', track: 'minmax(120px, 150px)', min: 120 },
  // an IPv4 address in full (the port is on hover); IPv6 wraps at its colons
  src: { label: 'Src', track: '124px', min: 124 },
  dst: { label: 'Dst', track: '124px', min: 124 },
  count: { label: 'Count', track: '74px', min: 74, sort: 'count', numeric: true },
  risk: { label: 'Risk', track: '76px', min: 76, sort: 'risk_score', numeric: true },
  technique: { label: 'Technique', track: '104px', min: 104 },
  assignee: { label: 'Assignee', track: '104px', min: 104 },
  first_seen: { label: 'First seen', track: '128px', min: 128, sort: 'first_seen' },
  last_seen: { label: 'Last seen', track: '128px', min: 128, sort: 'last_seen' },
};

export const CHECK_TRACK = 32;

/**
 * Columns that give way when the table is narrower than the chosen columns need, the lowest
 * value first. Dst goes before priority: for a network alert the host is the destination.
 */
export const COLLAPSE_ORDER: readonly ColumnKey[] = ['first_seen', 'technique', 'assignee', 'source', 'count', 'risk', 'dst', 'priority', 'last_seen'];
/** The ones that also make room for a comfortable title. */
const LOW_VALUE: ReadonlySet<ColumnKey> = new Set<ColumnKey>(['first_seen', 'technique', 'assignee', 'source', 'count']);

function minWidth(cols: readonly ColumnKey[]): number {
  return CHECK_TRACK + cols.reduce((n, c) => n + COLUMN_DEFS[c].min, 0);
}

/**
 * The chosen columns that fit in `width` px without sideways scrolling: columns of COLLAPSE_ORDER
 * are left out one by one until the rest fits, and low-value ones also while the title would get
 * less than TITLE_COMFORT. `collapsed` names what was left out.
 */
export function fitColumns(cols: readonly ColumnKey[], width: number): { shown: ColumnKey[]; collapsed: ColumnKey[] } {
  const shown = [...cols];
  const collapsed: ColumnKey[] = [];
  if (!(width > 0)) return { shown, collapsed };
  const titleRoom = () => (shown.includes('title') ? width - minWidth(shown) + TITLE_MIN : Infinity);
  for (const c of COLLAPSE_ORDER) {
    const tooWide = minWidth(shown) > width;
    if (!tooWide && !(LOW_VALUE.has(c) && titleRoom() < TITLE_COMFORT)) continue;
    const i = shown.indexOf(c);
    if (i === -1 || shown.length === 1) continue;
    shown.splice(i, 1);
    collapsed.push(c);
  }
  return { shown, collapsed };
}

/**
 * The grid's tracks; `min` is the width the columns are fitted to, `floor` the narrowest the grid
 * gets (the title shrinks below TITLE_MIN, down to TITLE_FLOOR, only when nothing can collapse).
 */
export function gridTemplate(cols: readonly ColumnKey[]): { template: string; min: number; floor: number } {
  const min = minWidth(cols);
  return { template: [`${CHECK_TRACK}px`, ...cols.map((c) => COLUMN_DEFS[c].track)].join(' '), min, floor: cols.includes('title') ? min - TITLE_MIN + TITLE_FLOOR : min };
}

/** Keeps known, unique columns in the given order; never empty. */
export function normalizeColumns(list: readonly string[] | undefined): ColumnKey[] {
  const known = new Set<string>(ALL_COLUMNS);
  const out: ColumnKey[] = [];
  for (const c of list ?? DEFAULT_COLUMNS) if (known.has(c) && !out.includes(c as ColumnKey)) out.push(c as ColumnKey);
  return out.length > 0 ? out : [...DEFAULT_COLUMNS];
}

/**
 * An address in full (never cut in the middle): the port is in the tooltip. An IPv6 address may
 * wrap at its colons onto a second line.
 */
function Endpoint({ ip, port, seen }: { ip: string | null; port: number | null; seen: string }) {
  if (!ip) return <span className="faint">—</span>;
  const full = formatEndpoint(ip, port)!;
  const v6 = ip.includes(':');
  return (
    <Value kind="ip" value={ip} seen={seen} tabbable={false}>
      <span className={`mono addr${v6 ? ' addr-v6' : ''}`} title={port !== null ? `${full} (port ${port})` : full} data-port={port ?? undefined}>
        {v6 ? ip.split(':').flatMap((part, i) => (i === 0 ? [part] : [<wbr key={i} />, `:${part}`])) : ip}
      </span>
    </Value>
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

export function CellContent({ col, alert: a }: { col: ColumnKey; alert: Alert }) {
  switch (col) {
    case 'severity':
      return <SeverityBadge severity={a.severity} />;
    case 'priority':
      return <PriorityBadge priority={a.priority} />;
    case 'status':
      return <StatusBadge status={a.status} />;
    case 'title': {
      const link = (
        <a
          href={`#/alerts/${a.id}`}
          onClick={(e) => {
            // keep the view (filters, sort) in the hash
            e.preventDefault();
            navigate(currentViewHref(a.id));
          }}
          tabIndex={-1}
          className="title-text ellipsis"
          title={a.rule_id ? `${a.title}\nRule ${a.rule_id}` : a.title}
        >
          {a.title}
        </a>
      );
      if (a.tags.length === 0) return link;
      // the first tags after the title; all of them in the tooltip and the detail
      return (
        <span className="title-cell">
          {link}
          <span className="row-tags" title={`Tags: ${a.tags.join(', ')}`} data-testid="row-tags">
            {a.tags.slice(0, 2).map((t) => (
              <span key={t} className="row-tag">
                {t}
              </span>
            ))}
            {a.tags.length > 2 ? <span className="row-tag more">+{a.tags.length - 2}</span> : null}
          </span>
        </span>
      );
    }
    case 'source':
      return (
        <span className="ellipsis source-text" title={a.source}>
          {a.source}
        </span>
      );
    case 'host':
      return <Host alert={a} />;
    case 'src':
      return <Endpoint ip={a.src_ip} port={a.src_port} seen={a.last_seen} />;
    case 'dst':
      return <Endpoint ip={a.dst_ip} port={a.dst_port} seen={a.last_seen} />;
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
