import { useVirtualizer } from '@tanstack/react-virtual';
import { ArrowDown, MonitorSmartphone, Search, X } from 'lucide-react';
import { useCallback, useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { Host } from '../../../main/contract/hunt.js';
import type { WazuhAgent } from '../../../main/contract/wazuh.js';
import { hostsHref, navigate, replaceHash } from '../../app/router.js';
import { EmptyState } from '../../components/EmptyState.js';
import { LoadFailed } from '../../components/LoadFailed.js';
import { formatCount } from '../../lib/format.js';
import { HostPage } from './HostPage.js';
import { OpenAlerts, When } from './parts.js';
import { HOST_SEEN, HOST_SORTS, classLabel, hostsQueryString, parseHostsQuery, type HostsQuery } from './model.js';
import { useHosts } from './store.js';
import './hosts.css';

const ROW_HEIGHT = 32;

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

interface Column<T> {
  key: string;
  label: string;
  /** The list order a click on the header picks. */
  sort?: HostsQuery['sort'];
  cell: (row: T) => ReactNode;
  className?: string;
}

const ADDRESS_COLUMNS: Column<{ h: Host; agent: WazuhAgent | undefined }>[] = [
  { key: 'ip', label: 'Address', cell: ({ h }) => <span className="mono">{h.ip}</span> },
  { key: 'class', label: 'Class', cell: ({ h }) => <span>{classLabel(h.class)}</span> },
  { key: 'country', label: 'Country', cell: ({ h }) => (h.country ? <span className="mono">{h.country}</span> : <span className="faint">—</span>) },
  { key: 'agent', label: 'Agent', cell: ({ agent }) => (agent ? <span title={`Wazuh agent ${agent.agent_id}`}>{agent.name}</span> : <span className="faint">—</span>) },
  { key: 'first', label: 'First seen', sort: 'first_seen', cell: ({ h }) => <When iso={h.first_seen} /> },
  { key: 'last', label: 'Last seen', sort: 'last_seen', cell: ({ h }) => <When iso={h.last_seen} /> },
  { key: 'records', label: 'Records', sort: 'records', cell: ({ h }) => <span className="num">{formatCount(h.records)}</span>, className: 'ho-right' },
  { key: 'alerts', label: 'Open alerts', cell: ({ h }) => <OpenAlerts open={h.open_alerts} /> },
];

const AGENT_COLUMNS: Column<WazuhAgent>[] = [
  { key: 'name', label: 'Agent', cell: (a) => <span>{a.name}</span> },
  { key: 'id', label: 'Id', cell: (a) => <span className="mono">{a.agent_id}</span> },
  { key: 'ip', label: 'Address', cell: (a) => (a.ip ? <span className="mono">{a.ip}</span> : <span className="faint">—</span>) },
  { key: 'status', label: 'Status', cell: (a) => <span className={`ho-agent-status ho-st-${a.status}`}>{a.status.replace(/_/g, ' ')}</span> },
  { key: 'os', label: 'OS', cell: (a) => <span>{[a.os_name, a.os_version].filter(Boolean).join(' ') || '—'}</span> },
  { key: 'first', label: 'Registered', cell: (a) => <When iso={a.date_add} /> },
  { key: 'last', label: 'Last keepalive', cell: (a) => <When iso={a.last_keepalive && !a.last_keepalive.startsWith('9999') ? a.last_keepalive : null} /> },
];

/** A virtualised, keyboard-navigable list of rows that open a host page (↑/↓, PgUp/PgDn, Home/End, Enter). */
function HostGrid<T>({
  label,
  columns,
  rows,
  rowKey,
  hrefOf,
  more,
  footer,
  onNearEnd,
  generation,
  testId,
  sort,
  onSort,
}: {
  sort?: HostsQuery['sort'];
  onSort?: (sort: HostsQuery['sort']) => void;
  label: string;
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  hrefOf: (row: T) => string | null;
  more: boolean;
  footer: ReactNode;
  onNearEnd: () => void;
  generation: number;
  testId: string;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [cursor, setCursor] = useState(0);
  const count = rows.length + (footer ? 1 : 0);
  const virtualizer = useVirtualizer({ count, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 16 });
  const items = virtualizer.getVirtualItems();
  const last = items.at(-1)?.index ?? 0;
  useEffect(() => {
    if (more && last >= rows.length - 20) onNearEnd();
  }, [last, rows.length, more, onNearEnd]);
  useEffect(() => {
    setCursor(0);
    virtualizer.scrollToOffset(0);
  }, [generation, virtualizer]);

  const focusRow = (i: number) => {
    const idx = Math.max(0, Math.min(rows.length - 1, i));
    setCursor(idx);
    virtualizer.scrollToIndex(idx, { align: 'auto' });
    requestAnimationFrame(() => scrollRef.current?.querySelector<HTMLElement>(`[data-index="${idx}"]`)?.focus({ preventScroll: true }));
  };
  const page = () => Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? ROW_HEIGHT * 10) / ROW_HEIGHT) - 1);
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const moves: Record<string, number> = { ArrowDown: cursor + 1, j: cursor + 1, ArrowUp: cursor - 1, k: cursor - 1, PageDown: cursor + page(), PageUp: cursor - page(), Home: 0, End: rows.length - 1 };
    const to = moves[e.key];
    if (to !== undefined) {
      e.preventDefault();
      focusRow(to);
    } else if (e.key === 'Enter') {
      const row = rows[cursor];
      const href = row ? hrefOf(row) : null;
      if (href) navigate(href);
    }
  };

  return (
    <div className="ho-grid" role="grid" aria-label={label} aria-rowcount={more ? -1 : rows.length + 1} data-testid={testId} style={{ ['--ho-cols' as string]: String(columns.length) }}>
      <div className="ho-row ho-head" role="row">
        {columns.map((c) => (
          <span key={c.key} role="columnheader" className={c.className} aria-sort={c.sort && c.sort === sort ? 'descending' : undefined}>
            {c.sort && onSort ? (
              <button type="button" className="ho-sort-button" onClick={() => onSort(c.sort!)} title={`Sort by ${c.label.toLowerCase()}, newest or most first`}>
                {c.label}
                {c.sort === sort ? <ArrowDown size={11} aria-hidden="true" /> : null}
              </button>
            ) : (
              c.label
            )}
          </span>
        ))}
      </div>
      <div ref={scrollRef} className="ho-scroll" onKeyDown={onKeyDown}>
        <div role="rowgroup" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((v) => {
            const style = { transform: `translateY(${v.start}px)`, height: ROW_HEIGHT };
            const row = rows[v.index];
            if (row === undefined) {
              return (
                <div key="footer" role="row" className="ho-row ho-footer" style={style}>
                  <span role="gridcell">{footer}</span>
                </div>
              );
            }
            const href = hrefOf(row);
            return (
              <div
                key={rowKey(row)}
                role="row"
                data-index={v.index}
                data-testid="host-row"
                data-key={rowKey(row)}
                className={`ho-row${v.index === cursor ? ' cursor' : ''}${href ? '' : ' ho-inert'}`}
                style={style}
                tabIndex={v.index === cursor ? 0 : -1}
                onFocus={() => setCursor(v.index)}
                onClick={() => href && navigate(href)}
                title={href ? undefined : 'No address: the agent never connected'}
              >
                {columns.map((c) => (
                  <span key={c.key} role="gridcell" className={c.className}>
                    {c.cell(row)}
                  </span>
                ))}
              </div>
            );
          })}
        </div>
      </div>
    </div>
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
  if (rows.length === 0) {
    return q.q || q.seen !== 'all' ? (
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
  }
  const data = rows.map((h) => ({ h, agent: agentByIp[h.ip] }));
  return (
    <HostGrid
      label="Hosts"
      columns={ADDRESS_COLUMNS}
      rows={data}
      rowKey={(r) => r.h.ip}
      hrefOf={(r) => hostsHref(r.h.ip, listQuery)}
      more={next !== null}
      footer={next !== null ? <MoreFooter /> : null}
      onNearEnd={loadMore}
      generation={generation}
      testId="hosts-grid"
      sort={q.sort}
      onSort={onSort}
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
  if (agents.length === 0) {
    return q.q ? (
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
  }
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
