import { ArrowLeft, FileQuestion, Radar, Search, Server, Siren } from 'lucide-react';
import { useMemo, type ReactNode } from 'react';
import { HOST_ACTIVITY_BUCKET_MS, type EventsGroupByResponse, type EventsHistogramResponse, type HostDetail } from '../../../main/contract/hunt.js';
import { api } from '../../api/index.js';
import { agentsHref, alertsHref, hostsHref, scansHref } from '../../app/router.js';
import { SeverityBadge, StatusBadge } from '../../components/badges.js';
import { EmptyState } from '../../components/EmptyState.js';
import { LoadFailed } from '../../components/LoadFailed.js';
import { Time } from '../../components/Time.js';
import { formatCount, formatEndpoint, formatLocalTime, utcTitle } from '../../lib/format.js';
import { useLoad } from '../../lib/useLoad.js';
import { eventTypeLabel, hostQuery, recordSummary } from '../../lib/records.js';
import { CountBars } from '../../components/CountBars.js';
import { huntHref, huntViewHref, rangeBounds, spanAround, type HuntSpan } from '../hunt/model.js';
import { HistogramFigure } from '../hunt/histogram.js';
import { classLabel, portLabel, portsQuery, portsRange, portsRangeText, type PortsRange } from './model.js';
import { OpenAlerts } from './parts.js';

/** Recent records shown per event type. */
const PER_TYPE = 10;
/** Ports shown per side. */
const PORTS = 8;

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="ho-fact">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/**
 * The host's life, first seen to last seen: its Hunt links count what this page counts (every
 * record the store holds), not only the last 24 hours.
 */
function hostLife(host: HostDetail): HuntSpan {
  return spanAround(Date.parse(host.first_seen), Date.parse(host.last_seen), 0);
}

/**
 * "Alerts on this host", "Hunt this host" and "Scan this host…" (the start form of Scans, on this
 * address): the pivots every host page offers, also without
 * records; with a Wazuh agent at the address, its own alerts too (they name the agent, not the address).
 */
function HostLinks({ ip, hunt, span, agent }: { ip: string; hunt: string; span: HuntSpan | undefined; agent: HostDetail['agent'] }) {
  return (
    <div className="ho-links" role="group" aria-label="Pivot">
      <a className="button small" href={alertsHref({ host: ip })} data-testid="host-alerts-link">
        <Siren size={13} aria-hidden="true" />
        Alerts on this host
      </a>
      {agent ? (
        <a className="button small" href={alertsHref({ host: agent.name ?? agent.id })} data-testid="host-agent-alerts-link">
          <Server size={13} aria-hidden="true" />
          Alerts of agent {agent.name ?? agent.id}
        </a>
      ) : null}
      <a className="button small" href={huntHref(hunt, span)} data-testid="host-hunt-link">
        <Search size={13} aria-hidden="true" />
        Hunt this host
      </a>
      <a className="button small" href={scansHref(ip)} data-testid="host-scan-link">
        <Radar size={13} aria-hidden="true" />
        Scan this host…
      </a>
    </div>
  );
}

function PortSide({ title, hint, counted, range }: { title: string; hint: string; counted: EventsGroupByResponse; range: PortsRange }) {
  return (
    <div className="ho-ports-side">
      <h4>
        {title} <span className="faint num">{formatCount(counted.total)}</span>
      </h4>
      {counted.groups.length === 0 ? (
        <p className="muted text-sm ho-card-empty">{hint}</p>
      ) : (
        <CountBars
          testId="host-port"
          rows={counted.groups.map((g) => ({
            key: g.drill,
            label: portLabel(g.values),
            count: g.count,
            href: huntViewHref({ q: g.drill, range }),
            title: `Hunt: ${g.drill}`,
          }))}
        />
      )}
    </div>
  );
}

/**
 * The ports a host answers on (its flows as destination) and reaches (as source), by destination
 * port and protocol, over the shortest Hunt range holding its last record; each opens its records
 * in Hunt.
 */
function HostPorts({ host }: { host: HostDetail }) {
  const range = portsRange(host.last_seen, Date.now());
  const { load, retry } = useLoad(
    'events.groupby',
    async (signal) => {
      const bounds = rangeBounds(range, Date.now());
      const count = (side: 'in' | 'out') => api.call('events.groupby', { query: portsQuery(host.ip, side), ...bounds, limit: PORTS });
      // one after the other: a console's newer group-by replaces its older one still waiting
      const inbound = await count('in');
      // a page left meanwhile asks no more: its count would replace the next page's, waiting
      signal.throwIfAborted();
      return { in: inbound, out: await count('out') };
    },
    [host.ip, range],
  );

  return (
    <section className="ho-card" aria-labelledby="ho-ports" data-testid="host-ports" aria-busy={load.status === 'loading'}>
      <header className="ho-card-head">
        <h3 id="ho-ports">
          Ports <span className="faint">flows, {portsRangeText(range).title}</span>
        </h3>
      </header>
      {load.status === 'loading' ? (
        <div className="ho-ports">
          {[0, 1].map((i) => (
            <div key={i} className="ho-ports-side">
              <div className="skeleton ho-sk-row" />
              <div className="skeleton ho-sk-row" />
            </div>
          ))}
        </div>
      ) : load.status === 'error' ? (
        <p className="muted text-sm ho-card-empty" role="alert">
          Could not count this host’s ports: {load.error.describe()}{' '}
          <button type="button" className="link-button" onClick={retry}>
            Try again
          </button>
        </p>
      ) : load.value.in.total === 0 && load.value.out.total === 0 ? (
        <p className="muted text-sm ho-card-empty" data-testid="host-ports-none">
          No flow record names this host {portsRangeText(range).span}: its sensor may not log flows (the <span className="mono">flow</span> event type
          of eve.json). Its other records are below.
        </p>
      ) : (
        <div className="ho-ports">
          <PortSide title="Answers on" hint="No flow has this host as destination." counted={load.value.in} range={range} />
          <PortSide title="Reaches" hint="No flow has this host as source." counted={load.value.out} range={range} />
        </div>
      )}
    </section>
  );
}

function RecentRecords({ host }: { host: HostDetail }) {
  if (host.recent.length === 0) return <p className="muted text-sm">No sensor record names this address; only alerts do.</p>;
  return (
    <div className="ho-recent">
      {host.recent.map((t) => (
        <section key={t.event_type} className="ho-card" aria-labelledby={`ho-type-${t.event_type}`} data-testid="host-recent" data-event-type={t.event_type}>
          <header className="ho-card-head">
            <h3 id={`ho-type-${t.event_type}`}>
              {eventTypeLabel(t.event_type)} <span className="faint num">{formatCount(t.total)}</span>
            </h3>
            <a className="text-sm" href={huntHref(`${host.queries.all} event_type:${t.event_type}`, hostLife(host))}>
              {t.total > t.rows.length ? `Hunt all ${formatCount(t.total)}` : 'Hunt these'}
            </a>
          </header>
          <ul className="ho-rec-list">
            {t.rows.map((r) => {
              const summary = recordSummary(r);
              return (
                <li key={r.id} className="ho-rec">
                  <time className="num faint" dateTime={r.ts} title={utcTitle(r.ts)}>
                    {formatLocalTime(r.ts)}
                  </time>
                  <span className="ellipsis" title={summary}>
                    {summary || <span className="faint">—</span>}
                  </span>
                  <span className="mono faint ellipsis">
                    {formatEndpoint(r.src_ip, r.src_port) ?? '—'} → {formatEndpoint(r.dst_ip, r.dst_port) ?? '—'}
                  </span>
                </li>
              );
            })}
          </ul>
        </section>
      ))}
    </div>
  );
}

/**
 * A host's activity (hosts.get: its records per hour) as a histogram of whole hours, first to last
 * seen, for the chart Hunt draws.
 */
function activityHistogram(host: HostDetail): EventsHistogramResponse {
  const hour = HOST_ACTIVITY_BUCKET_MS;
  const from = Math.floor(Date.parse(host.activity[0]?.hour ?? host.first_seen) / hour) * hour;
  const to = (Math.floor(Date.parse(host.last_seen) / hour) + 1) * hour;
  const total = host.activity.reduce((n, a) => n + a.count, 0);
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString(), bucket_ms: hour, buckets: host.activity.map((a) => ({ ts: a.hour, count: a.count })), total, listed: total };
}

/**
 * When the host was active: its records per hour over its life (its last 90 days seen), each bar a
 * link to Hunt over the host's records of that hour. Read with the page (hosts.get, from the hourly
 * counts), not counted from the records: a busy host's week was seconds of reads.
 */
function HostActivity({ host }: { host: HostDetail }) {
  const h = useMemo(() => activityHistogram(host), [host]);
  return (
    <section className="ho-card" aria-labelledby="ho-activity" data-testid="host-activity">
      <header className="ho-card-head">
        <h3 id="ho-activity">
          Activity <span className="faint">records per hour, first to last seen</span>
        </h3>
      </header>
      <div className="ho-activity">
        <HistogramFigure
          h={h}
          label={`Records of ${host.ip} per hour`}
          height={96}
          href={(span) => huntHref(host.queries.all, span)}
          testId="host-activity-chart"
          tableTestId="host-activity-bucket"
        />
      </div>
    </section>
  );
}

function Body({ host }: { host: HostDetail }) {
  return (
    <>
      <dl className="ho-facts" data-testid="host-facts">
        <Fact label="Class">{classLabel(host.class)}</Fact>
        <Fact label="Country">{host.country ?? <span className="faint">—</span>}</Fact>
        <Fact label="First seen">
          <Time iso={host.first_seen} full />
        </Fact>
        <Fact label="Last seen">
          <Time iso={host.last_seen} full />
        </Fact>
        <Fact label="Records">
          <span className="num">{formatCount(host.records)}</span>
        </Fact>
        <Fact label="Wazuh agent">
          {host.agent ? (
            <a href={agentsHref({ q: host.agent.id, agent: host.agent.id })} data-testid="host-agent">
              <Server size={12} aria-hidden="true" /> {host.agent.name ?? host.agent.id} <span className="faint mono">id {host.agent.id}</span>
            </a>
          ) : (
            <span className="faint">none known</span>
          )}
        </Fact>
        <Fact label="Open alerts">
          <OpenAlerts open={host.open_alerts} />
        </Fact>
      </dl>

      <section className="ho-card" aria-labelledby="ho-alerts">
        <header className="ho-card-head">
          <h3 id="ho-alerts">Open alerts</h3>
          <a className="text-sm" href={alertsHref({ host: host.ip })}>
            All alerts on this host
          </a>
        </header>
        {host.alerts.length === 0 ? (
          <p className="muted text-sm ho-card-empty">No open alert names this address.</p>
        ) : (
          <ul className="ho-rec-list">
            {host.alerts.map((a) => (
              <li key={a.id} className="ho-rec ho-alert">
                <SeverityBadge severity={a.severity} />
                <a className="ellipsis" href={alertsHref({ host: host.ip }, a.id)}>
                  {a.title}
                </a>
                <StatusBadge status={a.status} />
                <Time iso={a.last_seen} />
              </li>
            ))}
          </ul>
        )}
      </section>

      {host.records > 0 ? <HostActivity host={host} /> : null}
      {host.records > 0 ? <HostPorts host={host} /> : null}

      <h2 className="ho-subhead">Recent records by type</h2>
      <RecentRecords host={host} />
    </>
  );
}

/** One host (#/hosts/10.0.0.5): its facts, open alerts, recent records by type, and the pivots. */
export function HostPage({ ip, backQuery }: { ip: string; backQuery: string }) {
  const { load, retry } = useLoad('hosts.get', () => api.call('hosts.get', { ip, per_type: PER_TYPE }), [ip]);

  let body: ReactNode;
  if (load.status === 'loading') {
    body = (
      <div className="ho-skeleton" aria-busy="true">
        <span className="visually-hidden" role="status">
          Loading {ip}…
        </span>
        <div className="skeleton ho-sk-facts" />
        {[0, 1, 2].map((i) => (
          <div key={i} className="skeleton ho-sk-card" />
        ))}
      </div>
    );
  } else if (load.status === 'error') {
    body =
      load.error.code === 'NOT_FOUND' ? (
        <EmptyState icon={<FileQuestion size={28} />} title={`No record names ${ip}`}>
          <p>No sensor record kept here names this address (retention may have pruned them). Alerts and Hunt may still know it.</p>
        </EmptyState>
      ) : load.error.code === 'BAD_REQUEST' ? (
        <EmptyState icon={<FileQuestion size={28} />} title={`“${ip}” is not an address`} role="alert">
          <p>{load.error.describe()}</p>
        </EmptyState>
      ) : (
        <LoadFailed title={`Could not load ${ip}`} message={load.error.describe()} onRetry={retry} />
      );
  } else {
    body = <Body host={load.value} />;
  }

  const hunt = load.status === 'ready' ? load.value.queries.all : hostQuery(ip);
  const span = load.status === 'ready' ? hostLife(load.value) : undefined;
  return (
    <div className="screen hosts-screen ho-page" data-testid="host-page" data-ip={ip}>
      <div className="screen-header">
        <a className="button ghost small" href={hostsHref(null, backQuery)}>
          <ArrowLeft size={14} aria-hidden="true" />
          Hosts
        </a>
        <div className="screen-title">
          <h1 tabIndex={-1} className="mono">
            {ip}
          </h1>
        </div>
        <span className="header-spacer" />
        <HostLinks ip={ip} hunt={hunt} span={span} agent={load.status === 'ready' ? load.value.agent : null} />
      </div>
      <div className="ho-page-scroll">{body}</div>
    </div>
  );
}
