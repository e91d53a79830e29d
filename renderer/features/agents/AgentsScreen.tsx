import '../../components/charts/charts.css';
import '../dashboard/dashboard.css';
import '../sources/sources.css';
import '../tools/tools.css';
import './agents.css';
import { History, RefreshCw, RotateCw, Search, Server, ShieldBan, Siren, TriangleAlert, X } from 'lucide-react';
import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { AuditEntry } from '../../../main/contract/alerts.js';
import type { WazuhAgent } from '../../../main/contract/wazuh.js';
import { api, errorMessage } from '../../api/index.js';
import { EmptyState } from '../../components/EmptyState.js';
import { LoadFailed } from '../../components/LoadFailed.js';
import { Value } from '../../components/ValueMenu.js';
import { VirtualGrid, type GridColumn } from '../../components/VirtualGrid.js';
import { formatAgo as ago, formatCount, formatLocalFull, utcTitle } from '../../lib/format.js';
import { useNow } from '../../lib/useNow.js';
import { toastError, toastFailure } from '../../stores/toasts.js';
import { ActionDialog, type ActionRequest } from './ActionDialog.js';
import { STATUS_ORDER, agentAlertsHref, agentKey, osText, parseAgentsQuery, statusLabel, statusTone, type AgentSortField } from './model.js';
import { PAGE, SELECT_ALL_MAX, useAgents } from './store.js';

export const ROW_HEIGHT = 34;

function StatusPill({ status }: { status: string }) {
  return (
    <span className={`ag-status tone-${statusTone(status)}`}>
      <span className="tl-dot" aria-hidden="true" />
      {statusLabel(status)}
    </span>
  );
}

function SyncBar({ now }: { now: number }) {
  const sync = useAgents((s) => s.sync);
  const syncing = useAgents((s) => s.syncing);
  if (sync.length === 0) return null;
  return (
    <div className="ag-sync" data-testid="agents-sync" aria-label="Inventory">
      {sync.map((s) => (
        <span key={s.connector_id} className={`ag-sync-item${s.error ? ' warn' : ''}`}>
          <Server size={13} aria-hidden="true" />
          <strong>{s.connector_name}</strong>
          <span>
            {formatCount(s.total)} agents · {s.succeeded_at ? <span title={utcTitle(s.succeeded_at)}>synced {ago(s.succeeded_at, now)}</span> : 'never synced'}
          </span>
          {s.error ? (
            <span className="ag-sync-error" role="status" title={s.error}>
              <TriangleAlert size={12} aria-hidden="true" /> sync failed: {s.error}
            </span>
          ) : null}
          <button
            type="button"
            className="link-button"
            disabled={!!syncing[s.connector_id] || s.running}
            onClick={() => void useAgents.getState().syncNow(s.connector_id).catch((err: unknown) => toastError(`Sync of ${s.connector_name} failed: ${errorMessage(err)}`))}
          >
            <RefreshCw size={12} aria-hidden="true" className={syncing[s.connector_id] || s.running ? 'spin' : undefined} /> Sync now
          </button>
        </span>
      ))}
    </div>
  );
}

function StatusChips() {
  const counts = useAgents((s) => s.counts);
  const status = useAgents((s) => s.query.status);
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const extra = Object.keys(counts).filter((k) => !(STATUS_ORDER as readonly string[]).includes(k));
  const set = (v: string[]) => useAgents.getState().setQuery({ status: v });
  return (
    <div className="ag-chips" role="group" aria-label="Status">
      <button type="button" className={`ag-chip${status.length === 0 ? ' on' : ''}`} aria-pressed={status.length === 0} onClick={() => set([])} data-testid="status-chip-all">
        All <span className="num">{formatCount(total)}</span>
      </button>
      {[...STATUS_ORDER, ...extra].map((s) => (
        <button
          key={s}
          type="button"
          className={`ag-chip tone-${statusTone(s)}${status.includes(s) ? ' on' : ''}`}
          aria-pressed={status.includes(s)}
          onClick={() => set(status.includes(s) ? status.filter((x) => x !== s) : [...status, s])}
          data-testid={`status-chip-${s}`}
        >
          <span className="tl-dot" aria-hidden="true" />
          {statusLabel(s)} <span className="num">{formatCount(counts[s] ?? 0)}</span>
        </button>
      ))}
    </div>
  );
}

function FacetSelect({ label, value, options, onChange, testId }: { label: string; value: string | null; options: { value: string; count: number }[]; onChange: (v: string | null) => void; testId: string }) {
  return (
    <label className="ag-facet">
      <span className="visually-hidden">{label}</span>
      <select className="ui-input" value={value ?? ''} onChange={(e) => onChange(e.target.value || null)} data-testid={testId}>
        <option value="">{label}: any</option>
        {value && !options.some((o) => o.value === value) ? <option value={value}>{value}</option> : null}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.value} ({formatCount(o.count)})
          </option>
        ))}
      </select>
    </label>
  );
}

function FilterBar() {
  const q = useAgents((s) => s.query);
  const facets = useAgents((s) => s.facets);
  const apis = useAgents((s) => s.apis);
  const [text, setText] = useState(q.text);
  useEffect(() => {
    setText(q.text);
  }, [q.text]);
  // typing filters after a short pause; Enter at once
  useEffect(() => {
    if (text === useAgents.getState().query.text) return;
    const t = setTimeout(() => useAgents.getState().setQuery({ text }), 200);
    return () => clearTimeout(t);
  }, [text]);
  const setQ = useAgents.getState().setQuery;
  const any = q.text || q.os_platform || q.group || q.version || q.status.length;
  return (
    <div className="ag-filters" role="search">
      {apis.length > 1 ? (
        <label className="ag-facet">
          <span className="visually-hidden">Wazuh manager</span>
          <select className="ui-input" value={q.connector_id ?? ''} onChange={(e) => setQ({ connector_id: e.target.value || null })}>
            <option value="">Every manager</option>
            {apis.map((a) => (
              <option key={a.config.id} value={a.config.id}>
                {a.config.name}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <div className="ag-search">
        <Search size={14} aria-hidden="true" />
        <input
          className="ui-input"
          type="search"
          placeholder="Name, id, IP or CIDR"
          aria-label="Search agents"
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') setQ({ text });
          }}
          data-testid="agents-search"
        />
      </div>
      <FacetSelect label="OS" value={q.os_platform} options={facets.os_platform} onChange={(v) => setQ({ os_platform: v })} testId="filter-os" />
      <FacetSelect label="Group" value={q.group} options={facets.group} onChange={(v) => setQ({ group: v })} testId="filter-group" />
      <FacetSelect label="Version" value={q.version} options={facets.version} onChange={(v) => setQ({ version: v })} testId="filter-version" />
      {any ? (
        <button type="button" className="button ghost small" onClick={() => setQ({ text: '', os_platform: null, group: null, version: null, status: [] })}>
          <X size={12} aria-hidden="true" /> Clear filters
        </button>
      ) : null}
    </div>
  );
}

type CellKey = AgentSortField | 'groups' | 'os';

function Cell({ a, col, now }: { a: WazuhAgent; col: CellKey; now: number }) {
  switch (col) {
    case 'agent_id':
      return <span className="mono">{a.agent_id}</span>;
    case 'name':
      return (
        <Value kind="host" value={a.name} tabbable={false}>
          <span className="ag-name">{a.name}</span>
        </Value>
      );
    case 'ip':
      return a.ip && a.ip !== 'any' ? (
        <Value kind="ip" value={a.ip} seen={a.last_keepalive} tabbable={false}>
          <span className="mono">{a.ip}</span>
        </Value>
      ) : (
        <span className="mono">{a.ip ?? '—'}</span>
      );
    case 'status':
      return <StatusPill status={a.status} />;
    case 'os':
      return <span className="ellipsis" title={osText(a)}>{osText(a) || '—'}</span>;
    case 'version':
      return <span className="ellipsis">{a.version?.replace(/^Wazuh /, '') ?? '—'}</span>;
    case 'groups':
      return <span className="ellipsis">{a.groups.join(', ') || '—'}</span>;
    default:
      return a.last_keepalive && !a.last_keepalive.startsWith('9999') ? <span title={utcTitle(a.last_keepalive)}>{ago(a.last_keepalive, now)}</span> : <span className="faint">—</span>;
  }
}

const COLUMNS: { key: CellKey; label: string; width: string; sort?: AgentSortField }[] = [
  { key: 'agent_id', label: 'ID', width: '64px', sort: 'agent_id' },
  { key: 'name', label: 'Name', width: 'minmax(120px, 1.4fr)', sort: 'name' },
  { key: 'ip', label: 'IP', width: 'minmax(96px, 0.9fr)', sort: 'ip' },
  { key: 'status', label: 'Status', width: '132px', sort: 'status' },
  { key: 'os', label: 'OS', width: 'minmax(110px, 1.3fr)', sort: 'os_platform' },
  { key: 'version', label: 'Version', width: '86px', sort: 'version' },
  { key: 'groups', label: 'Groups', width: 'minmax(80px, 1fr)' },
  { key: 'last_keepalive', label: 'Last keep-alive', width: '112px', sort: 'last_keepalive' },
];

function SelectAll() {
  const total = useAgents((s) => s.total);
  const selectedCount = useAgents((s) => Object.keys(s.selected).length);
  const allLoaded = total > 0 && total <= SELECT_ALL_MAX;
  const hint = `Narrow the filters to ${SELECT_ALL_MAX} agents or fewer to select them all`;
  return (
    <input
      type="checkbox"
      aria-label={allLoaded ? `Select all ${total} matching agents` : hint}
      title={allLoaded ? undefined : hint}
      disabled={!allLoaded}
      checked={allLoaded && selectedCount === total}
      onChange={(e) => (e.target.checked ? void useAgents.getState().selectAllMatching() : useAgents.getState().clearSelection())}
    />
  );
}

function Grid({ now, empty }: { now: number; empty: ReactNode }) {
  const total = useAgents((s) => s.total);
  const pages = useAgents((s) => s.pages);
  const generation = useAgents((s) => s.generation);
  const selected = useAgents((s) => s.selected);
  const detail = useAgents((s) => s.detail);
  const sort = useAgents((s) => s.query.sort);
  const onRange = useCallback(
    (first: number, last: number) => {
      if (total > 0) useAgents.getState().ensureRows(first, last + 1);
    },
    // a new list, or new pages: the rows in view are asked for again
    [total, generation, pages],
  );
  const columns = useMemo<GridColumn<WazuhAgent>[]>(
    () => [
      {
        key: 'check',
        label: 'Select',
        width: '34px',
        columnClassName: 'ag-check',
        ownsClicks: true,
        header: <SelectAll />,
        cell: (a) => <input type="checkbox" checked={!!selected[agentKey(a)]} aria-label={`Select ${a.name} (${a.agent_id})`} onChange={() => useAgents.getState().toggle(a)} tabIndex={-1} />,
      },
      ...COLUMNS.map((c) => ({
        key: c.key,
        label: c.label,
        width: c.width,
        sort: c.sort
          ? {
              dir: sort.field === c.sort ? (sort.dir === 'asc' ? ('ascending' as const) : ('descending' as const)) : null,
              onSort: () => useAgents.getState().setQuery({ sort: { field: c.sort!, dir: sort.field === c.sort && sort.dir === 'asc' ? 'desc' : 'asc' } }),
            }
          : undefined,
        cell: (a: WazuhAgent) => <Cell a={a} col={c.key} now={now} />,
      })),
    ],
    [selected, sort, now],
  );

  return (
    <VirtualGrid
      label="Wazuh agents"
      testId="agents-grid"
      rowTestId="agent-row"
      className="ag-grid"
      columns={columns}
      rowHeight={ROW_HEIGHT}
      overscan={20}
      count={total}
      rowAt={(i) => pages[Math.floor(i / PAGE)]?.[i % PAGE]}
      rowState={(a) => ({
        selected: !!selected[agentKey(a)],
        open: detail !== null && agentKey(detail) === agentKey(a),
        data: { 'data-agent-id': a.agent_id, 'data-status': a.status },
      })}
      multiselectable
      markCursor={false}
      empty={empty}
      onRange={onRange}
      onOpen={(a) => useAgents.getState().openDetail(a)}
      onRowKey={(key, a) => {
        if (key !== ' ' || !a) return false;
        useAgents.getState().toggle(a);
        return true;
      }}
    />
  );
}

function Actions({ agent, onAct }: { agent: WazuhAgent; onAct: (action: 'restart' | 'ar') => void }) {
  return (
    <div className="ag-detail-actions">
      <button type="button" className="button small" onClick={() => onAct('restart')} data-testid="agent-restart">
        <RotateCw size={12} aria-hidden="true" /> Restart…
      </button>
      <button type="button" className="button small" onClick={() => onAct('ar')} data-testid="agent-ar">
        <ShieldBan size={12} aria-hidden="true" /> Active response…
      </button>
      <a className="button small ghost" href={agentAlertsHref(agent)} data-testid="agent-alerts">
        <Siren size={12} aria-hidden="true" /> Alerts of this agent
      </a>
    </div>
  );
}

function DetailPanel({ agent, now, onAct }: { agent: WazuhAgent; now: number; onAct: (action: 'restart' | 'ar') => void }) {
  const apis = useAgents((s) => s.apis);
  const actionsRev = useAgents((s) => s.actionsRev);
  const [actions, setActions] = useState<AuditEntry[] | null>(null);
  useEffect(() => {
    void api
      .call('wazuh.actions', { connector_id: agent.connector_id, agent_id: agent.agent_id, limit: 10 })
      .then(setActions)
      .catch(() => setActions([]));
  }, [agent.connector_id, agent.agent_id, actionsRev]);
  useEffect(() => {
    setActions(null);
  }, [agent.connector_id, agent.agent_id]);
  const rows: [string, ReactNode][] = [
    ['Status', <StatusPill key="s" status={agent.status} />],
    ['IP', <span key="ip" className="mono">{agent.ip ?? '—'}{agent.register_ip && agent.register_ip !== agent.ip ? ` (registered from ${agent.register_ip})` : ''}</span>],
    ['OS', osText(agent) || '—'],
    ['Version', agent.version ?? '—'],
    ['Groups', agent.groups.join(', ') || '—'],
    ['Node', agent.node_name ?? '—'],
    ['Manager', apis.find((a) => a.config.id === agent.connector_id)?.config.name ?? agent.connector_id],
    ['Last keep-alive', agent.last_keepalive && !agent.last_keepalive.startsWith('9999') ? `${ago(agent.last_keepalive, now)} (${formatLocalFull(agent.last_keepalive)})` : '—'],
    ['Registered', agent.date_add ? formatLocalFull(agent.date_add) : '—'],
    ['In the inventory', `synced ${ago(agent.seen_at, now)}`],
  ];
  return (
    <aside className="ag-detail" aria-label={`Agent ${agent.name}`} data-testid="agent-detail" data-agent-id={agent.agent_id}>
      <header className="ag-detail-head">
        <div>
          <h2 className="ag-detail-name">{agent.name}</h2>
          <span className="mono faint">agent {agent.agent_id}</span>
        </div>
        <div className="header-spacer" />
        <button type="button" className="icon-button small" aria-label="Close agent details" onClick={() => useAgents.getState().openDetail(null)}>
          <X size={14} aria-hidden="true" />
        </button>
      </header>
      <Actions agent={agent} onAct={onAct} />
      <dl className="ag-kv">
        {rows.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      <section className="ag-actions-log" aria-label="Recent actions">
        <h3 className="subhead">
          <History size={13} aria-hidden="true" /> Recent actions
        </h3>
        {actions === null ? (
          <span className="skeleton" />
        ) : actions.length === 0 ? (
          <p className="faint text-sm">None from Vigil.</p>
        ) : (
          <ul>
            {actions.map((e) => {
              const answer = (e.details['answer'] ?? {}) as { state?: string };
              return (
                <li key={e.id} title={utcTitle(e.ts)}>
                  <span>{e.action === 'wazuh.restart' ? 'Restart' : `${String(e.details['command'] ?? 'Active response')}${e.details['srcip'] ? ` ${String(e.details['srcip'])}` : ''}`}</span>
                  <span className="faint">
                    {' '}
                    by {e.actor}, {ago(e.ts, now)}: {answer.state?.replace('_', ' ') ?? '?'}
                  </span>
                </li>
              );
            })}
          </ul>
        )}
      </section>
    </aside>
  );
}

export function AgentsScreen({ query }: { query: string }) {
  const status = useAgents((s) => s.status);
  const error = useAgents((s) => s.error);
  const total = useAgents((s) => s.total);
  const apis = useAgents((s) => s.apis);
  const apisKnown = useAgents((s) => s.apisKnown);
  const selected = useAgents((s) => s.selected);
  const detail = useAgents((s) => s.detail);
  const [action, setAction] = useState<ActionRequest | null>(null);
  const now = useNow(10_000);
  const route = useMemo(() => parseAgentsQuery(query), [query]);

  useEffect(() => useAgents.getState().startLive(), []);
  // the route's filters apply when the link changes (dashboard, alert detail, tools)
  useEffect(() => {
    useAgents.setState({ query: route.query, selected: {}, detail: null });
    void useAgents.getState().reload();
  }, [route.query]);
  // an agent (and an action) asked for by the link
  useEffect(() => {
    const { agent, action: act, srcip, alert } = route.intent;
    if (!agent) return;
    const connectorId = route.query.connector_id;
    const find = async () => {
      const apiList = useAgents.getState().apis.length ? useAgents.getState().apis : (await useAgents.getState().loadApis(), useAgents.getState().apis);
      const target = connectorId ?? (apiList.length === 1 ? apiList[0]!.config.id : null);
      if (!target) return;
      try {
        const a = await api.call('wazuh.agents.get', { connector_id: target, agent_id: agent });
        useAgents.getState().openDetail(a);
        if (act) setAction({ action: act, connectorId: target, connectorName: apiList.find((x) => x.config.id === target)?.config.name ?? target, agents: [a], srcip, alertId: alert });
      } catch (err) {
        toastFailure(err);
      }
    };
    void find();
  }, [route.intent, route.query.connector_id]);

  const selectedList = Object.values(selected);
  const act = (kind: 'restart' | 'ar', agents: WazuhAgent[]) => {
    const connectors = new Set(agents.map((a) => a.connector_id));
    if (connectors.size !== 1) {
      toastError('Select agents of one Wazuh manager at a time.');
      return;
    }
    const id = agents[0]!.connector_id;
    setAction({ action: kind, connectorId: id, connectorName: apis.find((a) => a.config.id === id)?.config.name ?? id, agents, srcip: route.intent.srcip, alertId: route.intent.alert });
  };

  // the agents of the local inventory can be listed before the managers are: only a listing of
  // the managers says there is none (the filters stay mounted, with what was typed meanwhile)
  const noManager = status === 'ready' && apisKnown && apis.length === 0;
  let body;
  if (status === 'error') body = <LoadFailed title="Could not load the agents" message={error ?? ''} onRetry={() => void useAgents.getState().reload()} />;
  else if (noManager)
    body = (
      <EmptyState
        icon={<Server size={26} />}
        title="No Wazuh manager connected"
        actions={
          <a className="button primary" href="#/tools">
            Connect a Wazuh manager
          </a>
        }
      >
        <p>Add the Wazuh server API on Tools: Vigil then keeps its agent inventory here, and you can restart agents and run active responses.</p>
      </EmptyState>
    );
  else
    body = (
      <div className={`ag-main${detail ? ' with-detail' : ''}`}>
        <div className="ag-list">
          <Grid
            now={now}
            empty={
              status === 'ready' ? (
                <EmptyState icon={<Search size={24} />} title="No agents match" headingLevel={2} role="status">
                  <p>Change the filters, or sync the inventory if agents were added since.</p>
                </EmptyState>
              ) : null
            }
          />
        </div>
        {detail ? <DetailPanel agent={detail} now={now} onAct={(k) => act(k, [detail])} /> : null}
      </div>
    );

  return (
    <div className="screen agents-screen">
      <div className="screen-header">
        <div className="screen-title">
          <h1 tabIndex={-1}>Agents</h1>
          <p className="screen-lede">The Wazuh agent inventory, kept in sync in the background: status, OS, groups, and restart or active response.</p>
        </div>
      </div>
      <SyncBar now={now} />
      {!noManager ? (
        <>
          <StatusChips />
          <FilterBar />
          {error && status === 'ready' ? (
            <p className="live-status warn" role="status">
              <TriangleAlert size={13} aria-hidden="true" /> {error}
            </p>
          ) : null}
        </>
      ) : null}
      {selectedList.length ? (
        <div className="ag-selection" role="toolbar" aria-label="Selected agents" data-testid="agents-selection">
          <strong>{formatCount(selectedList.length)} selected</strong>
          <button type="button" className="button small" onClick={() => act('restart', selectedList)} data-testid="selection-restart">
            <RotateCw size={12} aria-hidden="true" /> Restart…
          </button>
          <button type="button" className="button small" onClick={() => act('ar', selectedList)} data-testid="selection-ar">
            <ShieldBan size={12} aria-hidden="true" /> Active response…
          </button>
          <button type="button" className="button small ghost" onClick={() => useAgents.getState().clearSelection()}>
            Clear
          </button>
        </div>
      ) : null}
      {body}
      <span className="visually-hidden" role="status">
        {status === 'ready' ? `${formatCount(total)} agents match` : ''}
      </span>
      {action ? (
        <ActionDialog
          req={action}
          onClose={() => {
            setAction(null);
            useAgents.setState((s) => ({ actionsRev: s.actionsRev + 1 }));
            void useAgents.getState().reload();
          }}
        />
      ) : null}
    </div>
  );
}
