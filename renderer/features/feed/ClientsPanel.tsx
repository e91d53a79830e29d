import { TriangleAlert, Users } from 'lucide-react';
import { useEffect, useState } from 'react';
import type { FeedClient, FeedTotals } from '../../../main/contract/feed.js';
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
  const dropped = totals.dropped_lagging + totals.dropped_abuse;
  const items: Array<{ label: string; value: string; sub?: string; testId: string; warn?: boolean }> = [
    { label: 'Connected now', value: formatCount(totals.connections_active), testId: 'feed-total-active' },
    { label: 'Connections', value: formatCount(totals.connections_total), sub: 'since the feed started', testId: 'feed-total-connections' },
    { label: 'Alerts sent', value: formatCount(totals.alerts_sent), sub: `${formatCount(totals.messages_sent)} messages`, testId: 'feed-total-alerts' },
    { label: 'Uptime', value: formatDuration(uptime), testId: 'feed-total-uptime' },
    {
      label: 'Refused',
      value: formatCount(totals.auth_failures),
      sub: dropped ? `${formatCount(dropped)} dropped (slow or abusive)` : 'failed authentications',
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

function ClientRow({ c, now }: { c: FeedClient; now: number }) {
  return (
    <tr data-testid="feed-client-row" data-client-id={c.id}>
      <td>
        <span className="feed-client-name">{c.token_name}</span>{' '}
        <span className={`feed-role role-${c.role}`}>{c.role}</span>
      </td>
      <td className="mono">{c.address}</td>
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
  if (!status?.running || !status.totals) return null;
  const clients = [...status.clients].sort((a, b) => a.connected_since.localeCompare(b.connected_since));
  return (
    <Panel
      title="Connected clients"
      subtitle={`${formatCount(clients.length)} connected`}
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
      <Totals totals={status.totals} uptime={status.totals.uptime_s + (updatedAt ? Math.max(0, now - updatedAt) / 1000 : 0)} />
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
              {clients.map((c) => (
                <ClientRow key={c.id} c={c} now={now} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  );
}
