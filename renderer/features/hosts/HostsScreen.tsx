import { MonitorSmartphone, Search, X } from 'lucide-react';
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import type { Host } from '../../../main/contract/hunt.js';
import type { WazuhAgent } from '../../../main/contract/wazuh.js';
import { hostsHref, navigate, replaceHash } from '../../app/router.js';
import { EmptyState } from '../../components/EmptyState.js';
import { LoadFailed } from '../../components/LoadFailed.js';
import { Value } from '../../components/ValueMenu.js';
import { VirtualGrid, type GridColumn } from '../../components/VirtualGrid.js';
import { formatCount } from '../../lib/format.js';
import { HostPage } from './HostPage.js';
import { OpenAlerts, When } from './parts.js';
import { HOST_SEEN, HOST_SORTS, classLabel, hostsQueryString, parseHostsQuery, type HostsQuery } from './model.js';
import { useHosts } from './store.js';
import './hosts.css';

function Toolbar({ q, onChange }: { q: HostsQuery; onChange: (patch: Partial<HostsQuery>) => void }) {
  const [text, setText] = useState(q.q);
  useEffect(() => setText(q.q), [q.q]);
  // typing filters after a short pause; Enter at once
  useEffect(() => {
    if (text.trim() === q.q) return;
    const t = setTimeout(() => onChange({ q: text.trim() }), 300);
    return () => clearTimeout(t);
  }, [text, q.q, onChange]);
  const agents = q.view === 'agents';
  return (
    <div className="ho-toolbar" role="search">
      <div className="ui-segmented" role="radiogroup" aria-label="List">
        {(['addresses', 'agents'] as const).map((v) => (
          <label key={v}>
            <input type="radio" name="hosts-view" checked={q.view === v} onChange={() => onChange({ view: v })} />
            <span>{v === 'addresses' ? 'Addresses' : 'Wazuh agents'}</span>
          </label>
        ))}
      </div>
      <div className="ho-search">
        <Search size={14} aria-hidden="true" />
        <input
          className="ui-input"
          type="search"
          placeholder={agents ? 'Name, id, IP or CIDR' : 'Address or CIDR (10.0.0.0/8)'}
          aria-label={agents ? 'Search agents' : 'Search addresses'}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') onChange({ q: text.trim() });
          }}
          data-testid="hosts-search"
        />
      </div>
      {agents ? null : (
        <>
          <label>
            <span className="visually-hidden">Seen</span>
            <select className="ui-input" value={q.seen} onChange={(e) => onChange({ seen: e.target.value as HostsQuery['seen'] })} data-testid="hosts-seen">
              {HOST_SEEN.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </select>
          </label>
          <label className="ho-sort">
            <span className="faint text-sm">Sort</span>
            <select className="ui-input" value={q.sort} onChange={(e) => onChange({ sort: e.target.value as HostsQuery['sort'] })} data-testid="hosts-sort">
              {HOST_SORTS.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </select>
          </label>
        </>
      )}
      {q.q || q.seen !== 'all' ? (
        <button type="button" className="button ghost small" onClick={() => onChange({ q: '', seen: 'all' })}>
          <X size={12} aria-hidden="true" /> Clear
        </button>
      ) : null}
    </div>
  );
}

const ROW_HEIGHT = 32;

type AddressRow = { h: Host; agent: WazuhAgent | undefined };

/**
 * An address or a host name in a list, with the value menu (hunt it, filter alerts by it, copy) on a
 * right-click: the row keeps the keyboard. An agent that never connected has the address "any".
 */
function Pivot({ kind, value, title, seen }: { kind: 'ip' | 'host'; value: string | null; title?: string; seen?: string }) {
  if (!value) return <span className="faint">—</span>;
  const text = <span className={kind === 'ip' ? 'mono' : undefined} title={title}>{value}</span>;
  return kind === 'ip' && value === 'any' ? (
    text
  ) : (
    <Value kind={kind} value={value} seen={seen} tabbable={false}>
      {text}
    </Value>
  );
}

/** The address list's columns; the sortable ones sort by their order in the query. */
function addressColumns(sort: HostsQuery['sort'], onSort: (sort: HostsQuery['sort']) => void): GridColumn<AddressRow>[] {
  const by = (label: string, order: HostsQuery['sort']) => ({
    dir: order === sort ? ('descending' as const) : null,
    onSort: () => onSort(order),
    title: `Sort by ${label.toLowerCase()}, newest or most first`,
  });
  return [
    { key: 'ip', label: 'Address', width: 'minmax(120px, 1.4fr)', cell: ({ h }) => <Pivot kind="ip" value={h.ip} seen={h.last_seen} /> },
    { key: 'class', label: 'Class', width: '96px', cell: ({ h }) => <span>{classLabel(h.class)}</span> },
    { key: 'country', label: 'Country', width: '92px', cell: ({ h }) => (h.country ? <span className="mono">{h.country}</span> : <span className="faint">—</span>) },
    { key: 'agent', label: 'Agent', width: 'minmax(90px, 1fr)', cell: ({ agent }) => <Pivot kind="host" value={agent?.name ?? null} title={agent ? `Wazuh agent ${agent.agent_id}` : undefined} /> },
    { key: 'first', label: 'First seen', width: '110px', sort: by('First seen', 'first_seen'), cell: ({ h }) => <When iso={h.first_seen} /> },
    { key: 'last', label: 'Last seen', width: '110px', sort: by('Last seen', 'last_seen'), cell: ({ h }) => <When iso={h.last_seen} /> },
    { key: 'records', label: 'Records', width: '90px', alignEnd: true, sort: by('Records', 'records'), cell: ({ h }) => <span className="num">{formatCount(h.records)}</span> },
    { key: 'alerts', label: 'Open alerts', width: 'minmax(120px, 1.2fr)', cell: ({ h }) => <OpenAlerts open={h.open_alerts} /> },
  ];
}

const AGENT_COLUMNS: GridColumn<WazuhAgent>[] = [
  { key: 'name', label: 'Agent', width: 'minmax(120px, 1.4fr)', cell: (a) => <Pivot kind="host" value={a.name} /> },
  { key: 'id', label: 'Id', width: '64px', cell: (a) => <span className="mono">{a.agent_id}</span> },
  { key: 'ip', label: 'Address', width: 'minmax(110px, 1fr)', cell: (a) => <Pivot kind="ip" value={a.ip} /> },
  { key: 'status', label: 'Status', width: '120px', cell: (a) => <span className={`ho-agent-status ho-st-${a.status}`}>{a.status.replace(/_/g, ' ')}</span> },
  { key: 'os', label: 'OS', width: 'minmax(120px, 1.4fr)', cell: (a) => <span>{[a.os_name, a.os_version].filter(Boolean).join(' ') || '—'}</span> },
  { key: 'first', label: 'Registered', width: '120px', cell: (a) => <When iso={a.date_add} /> },
  { key: 'last', label: 'Last keepalive', width: '120px', cell: (a) => <When iso={a.last_keepalive && !a.last_keepalive.startsWith('9999') ? a.last_keepalive : null} /> },
];

/** A list of rows that open a host page (VirtualGrid: ↑/↓, PgUp/PgDn, Home/End, Enter). */
function HostGrid<T>({ rows, hrefOf, more, onNearEnd, generation, ...rest }: {
  label: string;
  testId: string;
  columns: GridColumn<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  hrefOf: (row: T) => string | null;
  more: boolean;
  footer: ReactNode;
  onNearEnd: () => void;
  generation: number;
  empty: ReactNode;
}) {
  const onRange = useCallback(
    (_first: number, last: number) => {
      if (more && last >= rows.length - 20) onNearEnd();
    },
    [more, rows.length, onNearEnd],
  );
  const open = (row: T) => {
    const href = hrefOf(row);
    if (href) navigate(href);
  };
  return (
    <VirtualGrid
      {...rest}
      className="ho-grid"
      rowTestId="host-row"
      rowHeight={ROW_HEIGHT}
      count={rows.length}
      rowAt={(i) => rows[i]}
      rowState={(row) => ({
        data: { 'data-key': rest.rowKey(row) },
        ...(hrefOf(row) ? {} : { inert: true, title: 'No address: the agent never connected' }),
      })}
      complete={!more}
      onRange={onRange}
      resetKey={generation}
      onOpen={open}
    />
  );
}

function MoreFooter() {
  const loadingMore = useHosts((s) => s.loadingMore);
  const moreError = useHosts((s) => s.moreError);
  if (moreError)
    return (
      <span className="ho-more">
        Could not load more: {moreError.describe()}{' '}
        <button type="button" className="button ghost small" onClick={() => useHosts.getState().loadMore()}>
          Retry
        </button>
      </span>
    );
  return <span className="faint ho-more">{loadingMore ? 'Loading more…' : ''}</span>;
}

function Skeleton() {
  return (
    <div className="ho-skeleton" aria-busy="true">
      <span className="visually-hidden" role="status">
        Loading hosts…
      </span>
      {Array.from({ length: 8 }, (_, i) => (
        <div key={i} className="skeleton ho-sk-row" />
      ))}
    </div>
  );
}

function AddressList({ listQuery, onSort }: { listQuery: string; onSort: (sort: HostsQuery['sort']) => void }) {
  const q = useHosts((s) => s.query);
  const rows = useHosts((s) => s.rows);
  const next = useHosts((s) => s.next);
  const status = useHosts((s) => s.status);
  const error = useHosts((s) => s.error);
  const agentByIp = useHosts((s) => s.agentByIp);
  const generation = useHosts((s) => s.generation);
  const loadMore = useHosts((s) => s.loadMore);
  if (status === 'loading' || status === 'idle') return <Skeleton />;
  if (status === 'error' && error) {
    if (error.code === 'BAD_REQUEST')
      return (
        <EmptyState icon={<Search size={28} />} title="Not an address or CIDR block" role="alert">
          <p>{error.describe()}</p>
          <p>Search with one address (10.0.0.5, 2001:db8::1) or a block (10.0.0.0/8).</p>
        </EmptyState>
      );
    return <LoadFailed title="Could not load hosts" message={error.describe()} onRetry={() => useHosts.getState().apply(q, true)} />;
  }
  const empty =
    q.q || q.seen !== 'all' ? (
      <EmptyState icon={<Search size={28} />} title="No address matches">
        <p>No record or alert names an address {q.q ? `in ${q.q}` : ''} {q.seen !== 'all' ? 'in that time' : ''}. Clear the search to see every host.</p>
      </EmptyState>
    ) : (
      <EmptyState icon={<MonitorSmartphone size={28} />} title="No hosts yet">
        <p>
          Hosts are the addresses named by sensor records and alerts. Follow a Suricata eve.json or Wazuh alerts.json on the <a href="#/sources">Sources</a> screen,
          or start the simulator there.
        </p>
      </EmptyState>
    );
  const data = rows.map((h) => ({ h, agent: agentByIp[h.ip] }));
  const columns = addressColumns(q.sort, onSort);
  return (
    <HostGrid
      label="Hosts"
      columns={columns}
      rows={data}
      rowKey={(r) => r.h.ip}
      hrefOf={(r) => hostsHref(r.h.ip, listQuery)}
      more={next !== null}
      footer={next !== null ? <MoreFooter /> : null}
      onNearEnd={loadMore}
      generation={generation}
      empty={empty}
      testId="hosts-grid"
    />
  );
}

function AgentList({ listQuery }: { listQuery: string }) {
  const q = useHosts((s) => s.query);
  const agents = useHosts((s) => s.agents);
  const total = useHosts((s) => s.agentsTotal);
  const status = useHosts((s) => s.agentsStatus);
  const error = useHosts((s) => s.agentsError);
  const generation = useHosts((s) => s.generation);
  const loadMore = useHosts((s) => s.loadMore);
  if (status === 'loading' || status === 'idle') return <Skeleton />;
  if (status === 'error' && error) return <LoadFailed title="Could not load the Wazuh agents" message={error.describe()} onRetry={() => useHosts.getState().apply(q, true)} />;
  const empty = q.q ? (
      <EmptyState icon={<Search size={28} />} title="No agent matches">
        <p>No Wazuh agent has a name, id or address matching “{q.q}”.</p>
      </EmptyState>
    ) : (
      <EmptyState icon={<MonitorSmartphone size={28} />} title="No Wazuh agents">
        <p>
          The agent inventory comes from a Wazuh API connector. Add one on the <a href="#/tools">Tools</a> screen; its agents appear here and on the{' '}
          <a href="#/agents">Agents</a> screen.
        </p>
      </EmptyState>
    );
  return (
    <HostGrid
      label="Wazuh agents"
      columns={AGENT_COLUMNS}
      rows={agents}
      rowKey={(a) => `${a.connector_id}/${a.agent_id}`}
      hrefOf={(a) => (a.ip && a.ip !== 'any' ? hostsHref(a.ip, listQuery) : null)}
      more={agents.length < total}
      footer={agents.length < total ? <MoreFooter /> : null}
      onNearEnd={loadMore}
      generation={generation}
      empty={empty}
      testId="hosts-agents-grid"
    />
  );
}

function HostsList({ query }: { query: string }) {
  const q = parseHostsQuery(query);
  const key = hostsQueryString(q);
  useEffect(() => {
    useHosts.getState().apply(parseHostsQuery(key));
  }, [key]);
  // back on the list (from a host page, or another screen): the same view, read again quietly
  useEffect(() => useHosts.getState().refresh(), []);
  const onChange = useCallback(
    (patch: Partial<HostsQuery>) => replaceHash(hostsHref(null, hostsQueryString({ ...parseHostsQuery(key), ...patch }))),
    [key],
  );
  const shown = useHosts((s) => (q.view === 'agents' ? s.agentsTotal : s.rows.length));
  const more = useHosts((s) => (q.view === 'agents' ? false : s.next !== null));
  return (
    <div className="screen hosts-screen">
      <div className="screen-header">
        <div className="screen-title">
          <h1 tabIndex={-1}>Hosts</h1>
          <p className="screen-lede">Every address the sensors' records and the alerts name, and every Wazuh agent: when seen, open alerts, and what they did.</p>
        </div>
        <span className="header-spacer" />
        <span className="faint text-sm num" data-testid="hosts-count">
          {formatCount(shown)}
          {more ? '+' : ''} {q.view === 'agents' ? 'agents' : 'addresses'}
        </span>
      </div>
      <Toolbar q={q} onChange={onChange} />
      {q.view === 'agents' ? <AgentList listQuery={key} /> : <AddressList listQuery={key} onSort={(sort) => onChange({ sort })} />}
    </div>
  );
}

/** The Hosts screen: the list (#/hosts) or one host's page (#/hosts/10.0.0.5). */
export function HostsScreen({ ip, query }: { ip: string | null; query: string }) {
  return ip !== null ? <HostPage ip={ip} backQuery={query} /> : <HostsList query={query} />;
}
