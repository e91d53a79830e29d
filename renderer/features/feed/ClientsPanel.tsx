import { TriangleAlert, Users } from 'lucide-react';
import { useEffect, useState } from 'react';
import type { FeedClient, FeedStatus, FeedTotals } from '../../../main/contract/feed.js';
import { EmptyState } from '../../components/EmptyState.js';
import { Panel } from '../../components/charts/Panel.js';
import { formatBytes, formatCount, formatDuration, formatLocalFull, formatLocalTime, utcTitle } from '../../lib/format.js';
import { useFeed } from '../../stores/feed.js';
import { CLIENT_STATE_LABEL, DIALECTS } from './model.js';

function useNow(ms: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

function since(iso: string, now: number): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : formatDuration(Math.max(0, (now - t) / 1000));
}

function Totals({ totals, uptime }: { totals: FeedTotals; uptime: number }) {
  const dropped = totals.dropped_lagging + totals.dropped_abuse + totals.dropped_superseded;
  const items: Array<{ label: string; value: string; sub?: string; testId: string; warn?: boolean }> = [
    { label: 'Connected now', value: formatCount(totals.connections_active), testId: 'feed-total-active' },
    { label: 'Connections', value: formatCount(totals.connections_total), sub: 'since the feed started', testId: 'feed-total-connections' },
    { label: 'Alerts sent', value: formatCount(totals.alerts_sent), sub: `${formatCount(totals.messages_sent)} messages`, testId: 'feed-total-alerts' },
    { label: 'Uptime', value: formatDuration(uptime), testId: 'feed-total-uptime' },
    {
      label: 'Refused',
      value: formatCount(totals.auth_failures),
      sub: dropped ? `${formatCount(dropped)} dropped (slow, abusive or over a cap)` : 'failed authentications',
      testId: 'feed-total-refused',
      warn: totals.auth_failures > 0 || dropped > 0,
    },
  ];
  return (
    <dl className="feed-totals" data-testid="feed-totals">
      {items.map((i) => (
        <div key={i.label} className={`feed-total${i.warn ? ' warn' : ''}`}>
          <dt>{i.label}</dt>
          <dd className="num" data-testid={i.testId}>
            {i.value}
          </dd>
          {i.sub ? <dd className="feed-total-sub">{i.sub}</dd> : null}
        </div>
      ))}
    </dl>
  );
}

/** A client and the feed process serving it (null: this app). */
interface Served {
  c: FeedClient;
  process: string | null;
}

/** This process's clients and those other feed processes on the data directory publish. */
export function allClients(status: FeedStatus): Served[] {
  const mine = status.running ? status.clients.map((c) => ({ c, process: null })) : [];
  const others = status.processes.flatMap((p) => p.clients.map((c) => ({ c, process: p.process })));
  return [...mine, ...others].sort((a, b) => a.c.connected_since.localeCompare(b.c.connected_since));
}

/** Addresses holding more than one connection, the most first (a leaking dashboard shows up here). */
export function busiestAddresses(clients: readonly Served[], top = 3): { address: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const { c } of clients) counts.set(c.address, (counts.get(c.address) ?? 0) + 1);
  return [...counts]
    .filter(([, n]) => n > 1)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, top)
    .map(([address, count]) => ({ address, count }));
}

function ClientRow({ c, process, showProcess, now }: Served & { showProcess: boolean; now: number }) {
  return (
    <tr data-testid="feed-client-row" data-client-id={c.id}>
      <td>
        <span className="feed-client-name">{c.token_name}</span>{' '}
        <span className={`feed-role role-${c.role}`}>{c.role}</span>
      </td>
      <td className="mono">{c.address}</td>
      {showProcess ? <td className="mono">{process ?? 'this app'}</td> : null}
      <td>{DIALECTS[c.dialect].label}</td>
      <td>
        <span className={`feed-conn-state state-${c.state}`}>
          <span className="feed-conn-dot" aria-hidden="true" />
          {CLIENT_STATE_LABEL[c.state]}
        </span>
      </td>
      <td className={`num r${c.queue_depth > 256 ? ' warn-text' : ''}`} title={`${formatCount(c.queue_depth)} messages, ${formatBytes(c.queue_bytes)} not yet sent`}>
        {formatCount(c.queue_depth)}
        <span className="faint"> · {formatBytes(c.queue_bytes)}</span>
      </td>
      <td className="num r" data-testid="feed-client-sent">
        {formatCount(c.messages_sent)}
        <span className="faint"> · {formatCount(c.alerts_sent)} alerts</span>
      </td>
      <td className="nowrap" title={`${formatLocalFull(c.connected_since)} · ${utcTitle(c.connected_since)}`}>
        {formatLocalTime(c.connected_since)}
        <span className="faint"> · {since(c.connected_since, now)}</span>
      </td>
    </tr>
  );
}

export function ClientsPanel() {
  const status = useFeed((s) => s.status);
  const refreshError = useFeed((s) => s.statusError);
  const updatedAt = useFeed((s) => s.updatedAt);
  const now = useNow(1000);
  if (!status || (!(status.running && status.totals) && status.processes.length === 0)) return null;
  const clients = allClients(status);
  const showProcess = status.processes.length > 0;
  const busiest = busiestAddresses(clients);
  return (
    <Panel
      title="Connected clients"
      subtitle={`${formatCount(clients.length)} connected${showProcess ? ` to ${formatCount(status.processes.length + (status.running ? 1 : 0))} feed servers` : ''}`}
      icon={<Users size={15} />}
      className="panel-feed-clients"
      testId="panel-feed-clients"
      actions={
        refreshError ? (
          <span className="live-status warn" role="status">
            <TriangleAlert size={13} aria-hidden="true" /> Refresh failed: {refreshError}
          </span>
        ) : (
          <span className="live-status">
            <span className="live-dot" aria-hidden="true" /> Live, every 2 s
          </span>
        )
      }
    >
      {status.running && status.totals ? <Totals totals={status.totals} uptime={status.totals.uptime_s + (updatedAt ? Math.max(0, now - updatedAt) / 1000 : 0)} /> : null}
      {busiest.length > 0 ? (
        <p className="feed-busiest" data-testid="feed-busiest">
          Most connections:{' '}
          {busiest.map((b, i) => (
            <span key={b.address}>
              {i > 0 ? ', ' : ''}
              <span className="mono">{b.address}</span> ({formatCount(b.count)})
            </span>
          ))}
        </p>
      ) : null}
      {clients.length === 0 ? (
        <EmptyState icon={<Users size={24} />} title="No one is connected" headingLevel={3}>
          <p>
            Give a teammate a URL from Status and a token of their own. Their connection shows up here within a couple of seconds, with what it has been sent
            and how far behind it is.
          </p>
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="data-table feed-clients-table">
            <caption className="visually-hidden">Clients connected to the feed</caption>
            <thead>
              <tr>
                <th scope="col">Token</th>
                <th scope="col">Address</th>
                {showProcess ? <th scope="col">Served by</th> : null}
                <th scope="col">Dialect</th>
                <th scope="col">State</th>
                <th scope="col" className="r" title="Messages and bytes handed to the socket and not yet sent">
                  Queue
                </th>
                <th scope="col" className="r">
                  Sent
                </th>
                <th scope="col">Connected since</th>
              </tr>
            </thead>
            <tbody>
              {clients.map((x) => (
                <ClientRow key={`${x.process ?? ''}/${x.c.id}`} {...x} showProcess={showProcess} now={now} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  );
}
