import { BriefcaseBusiness, ChevronDown, ChevronRight, Search } from 'lucide-react';
import { useEffect, useMemo, useState } from 'react';
import type { Alert } from '../../../main/contract/alerts.js';
import type { Contributor, EventsEvidence } from '../../../main/contract/hunt.js';
import { api } from '../../api/index.js';
import { hostsHref } from '../../app/router.js';
import { KeepInCaseDialog } from '../../components/KeepInCaseDialog.js';
import { LoadFailed } from '../../components/LoadFailed.js';
import { formatCount, formatEndpoint, formatLocalTime, utcTitle } from '../../lib/format.js';
import { useLoad } from '../../lib/useLoad.js';
import { eventTypeLabel, recordSummary } from '../../lib/records.js';
import { huntHref, HUNT_MARGIN_MS, spanAround } from '../hunt/model.js';
import { RawEvent } from './RawEvent.js';
import { evidenceTimeline, flowNote, hostsNote, relationLabel, RELATION_TITLE, type TimelineRow } from './evidence-model.js';
import './evidence.css';

/** The windows host records can be looked up in, either side of the alert's first/last seen. */
export const EVIDENCE_WINDOWS = [
  { s: 300, label: '±5 min' },
  { s: 3600, label: '±1 h' },
  { s: 86_400, label: '±24 h' },
] as const;
const DEFAULT_WINDOW = 300;
const LIMIT = 200;

/** One record's raw line, read when the row is opened, and a way to keep it with a case (the alert's first). */
function RecordRaw({ id, alertId }: { id: number; alertId: number }) {
  const { load, retry } = useLoad('events.get', () => api.call('events.get', { id }), [id]);
  const [keeping, setKeeping] = useState(false);
  if (load.status === 'loading') return <div className="skeleton ev-raw-skeleton" aria-label="Loading the raw record" />;
  if (load.status === 'error')
    return <LoadFailed title="Could not read the record" message={load.error.describe()} onRetry={retry} headingLevel={3} iconSize={20} />;
  const d = load.value;
  return (
    <>
      <RawEvent raw={d.raw} label={`Record #${d.id}${d.file ? ` · ${d.file}${d.offset !== null ? ` @${d.offset}` : ''}` : ''}`} />
      <div className="ev-raw-actions">
        <button type="button" className="button ghost small" onClick={() => setKeeping(true)} data-testid="evidence-keep">
          <BriefcaseBusiness size={12} aria-hidden="true" /> Keep in case…
        </button>
      </div>
      {keeping ? <KeepInCaseDialog recordIds={[d.id]} suggestion={`${eventTypeLabel(d.event_type)}: ${recordSummary(d)}`.slice(0, 200)} alertId={alertId} onClose={() => setKeeping(false)} /> : null}
    </>
  );
}

function RecordLine({ item, alert, open, onToggle }: { item: TimelineRow; alert: Alert; open: boolean; onToggle: () => void }) {
  const { row, relation } = item;
  const summary = recordSummary(row);
  return (
    <li className={`ev-item ev-${relation}`} data-testid="evidence-record" data-record-id={row.id} data-event-type={row.event_type} data-relation={relation}>
      <button type="button" className="ev-row" aria-expanded={open} onClick={onToggle}>
        {open ? <ChevronDown size={13} aria-hidden="true" /> : <ChevronRight size={13} aria-hidden="true" />}
        <time className="num ev-time" dateTime={row.ts} title={utcTitle(row.ts)}>
          {formatLocalTime(row.ts)}
        </time>
        <span className={`ev-type ev-type-${row.event_type}`}>{eventTypeLabel(row.event_type)}</span>
        <span className="ev-rel" title={RELATION_TITLE[relation]}>
          {relationLabel(item, alert)}
        </span>
        <span className="ev-summary ellipsis" title={summary}>
          {summary || <span className="faint">no summary fields</span>}
        </span>
        <span className="mono faint ev-ends ellipsis">
          {formatEndpoint(row.src_ip, row.src_port) ?? '—'} → {formatEndpoint(row.dst_ip, row.dst_port) ?? '—'}
          {row.sensor ? ` · ${row.sensor}` : ''}
        </span>
      </button>
      {open ? (
        <div className="ev-raw">
          <RecordRaw id={row.id} alertId={alert.id} />
        </div>
      ) : null}
    </li>
  );
}

function Contributors({ contributors, alertId }: { contributors: EventsEvidence['contributors']; alertId: number }) {
  const [open, setOpen] = useState<number | null>(null);
  if (contributors.total === 0) return null;
  const shown = contributors.rows.length < contributors.total ? `latest ${formatCount(contributors.rows.length)} of ${formatCount(contributors.total)}` : formatCount(contributors.total);
  return (
    <div className="ev-block" data-testid="evidence-contributors">
      <h4 className="ev-block-title">
        Contributing events <span className="faint num">{shown}</span>
      </h4>
      <ul className="ev-list">
        {contributors.rows.map((c: Contributor) => (
          <li key={c.event_id} className="ev-item ev-contrib" data-testid="evidence-contributor">
            <button type="button" className="ev-row" aria-expanded={open === c.event_id} disabled={c.record_id === null} onClick={() => setOpen(open === c.event_id ? null : c.event_id)} title={c.record_id === null ? 'The sensor record of this event is not kept' : undefined}>
              {open === c.event_id ? <ChevronDown size={13} aria-hidden="true" /> : <ChevronRight size={13} aria-hidden="true" />}
              <time className="num ev-time" dateTime={c.ts} title={utcTitle(c.ts)}>
                {formatLocalTime(c.ts)}
              </time>
              <span className="ev-type">{c.source}</span>
              <span className="ev-summary ellipsis">
                {c.title}
                {c.rule_id ? <span className="faint mono"> {c.rule_id}</span> : null}
              </span>
              <span className="mono faint ev-ends ellipsis">
                {formatEndpoint(c.src_ip, c.src_port) ?? '—'} → {formatEndpoint(c.dst_ip, c.dst_port) ?? '—'}
              </span>
            </button>
            {open === c.event_id && c.record_id !== null ? (
              <div className="ev-raw">
                <RecordRaw id={c.record_id} alertId={alertId} />
              </div>
            ) : null}
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * The alert's Evidence: the records of its flow (and of the same flow on other sensors), its
 * hosts' DNS/HTTP/TLS/file records in a window around it, on one timeline, and for correlation
 * alerts the events that made it fire.
 */
export function Evidence({ alert }: { alert: Alert }) {
  const [windowS, setWindowS] = useState<number>(DEFAULT_WINDOW);
  // a grouped alert that grows (last_seen) gets its new records; a wider window keeps the records
  // shown while it loads; a different alert starts from the skeleton
  const { load, retry, refreshing } = useLoad('events.evidence', () => api.call('events.evidence', { alert_id: alert.id, window_s: windowS, limit: LIMIT }), [alert.id, windowS, alert.last_seen], {
    keepUntil: alert.id,
  });
  const [open, setOpen] = useState<ReadonlySet<number>>(new Set());
  const [types, setTypes] = useState<ReadonlySet<string>>(new Set());
  useEffect(() => {
    setOpen(new Set());
    setTypes(new Set());
  }, [alert.id]);

  const evidence = load.status === 'ready' ? load.value : null;
  const timeline = useMemo(() => (evidence ? evidenceTimeline(evidence) : []), [evidence]);
  const counts = useMemo(() => {
    const m = new Map<string, number>();
    for (const t of timeline) m.set(t.row.event_type, (m.get(t.row.event_type) ?? 0) + 1);
    return [...m.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  }, [timeline]);
  const shown = types.size === 0 ? timeline : timeline.filter((t) => types.has(t.row.event_type));
  const windowLabel = EVIDENCE_WINDOWS.find((w) => w.s === windowS)?.label ?? `±${windowS} s`;

  const toggle = (set: ReadonlySet<number>, id: number) => {
    const next = new Set(set);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    return next;
  };
  const toggleType = (t: string) =>
    setTypes((cur) => {
      const next = new Set(cur);
      if (next.has(t)) next.delete(t);
      else next.add(t);
      return next;
    });

  const hostLinks = [
    { role: 'src', ip: alert.src_ip },
    { role: 'dst', ip: alert.dst_ip },
  ].filter((h): h is { role: string; ip: string } => h.ip !== null);
  // each over the alert's own time, not Hunt's last 24 hours (the alert may be last week's): its
  // flow within a day either side, the hosts' records over the window shown here
  const flowSpan = spanAround(Date.parse(alert.first_seen), Date.parse(alert.last_seen), HUNT_MARGIN_MS);
  const links = evidence
    ? [
        { q: evidence.flow.query, span: flowSpan, label: 'this flow', testid: 'hunt-flow' },
        { q: evidence.community.query, span: flowSpan, label: 'its community id', testid: 'hunt-community' },
        { q: evidence.hosts.query, span: { from: evidence.from, to: evidence.to }, label: 'the hosts’ records', testid: 'hunt-hosts' },
      ].filter((l) => l.q !== '')
    : [];

  return (
    <div className={`ev${refreshing && evidence ? ' refreshing' : ''}`} data-testid="evidence">
      <div className="ev-toolbar">
        <div className="ui-segmented small" role="radiogroup" aria-label="Host records window">
          {EVIDENCE_WINDOWS.map((w) => (
            <label key={w.s}>
              <input type="radio" name={`ev-window-${alert.id}`} checked={windowS === w.s} onChange={() => setWindowS(w.s)} />
              <span>{w.label}</span>
            </label>
          ))}
        </div>
        {evidence ? (
          <span className="faint text-sm ev-range" title={`${utcTitle(evidence.from)} – ${utcTitle(evidence.to)}`}>
            {formatLocalTime(evidence.from)} – {formatLocalTime(evidence.to)}
          </span>
        ) : null}
      </div>
      {links.length > 0 ? (
        <div className="ev-hunt" role="group" aria-label="Hunt these records">
          <Search size={12} aria-hidden="true" />
          <span className="faint text-sm">Hunt:</span>
          {links.map((l) => (
            <a key={l.testid} className="button ghost small" href={huntHref(l.q, l.span)} data-testid={l.testid} title={l.q}>
              {l.label}
            </a>
          ))}
        </div>
      ) : null}

      {load.status === 'loading' ? (
        <div className="ev-skeleton" aria-busy="true">
          <span className="visually-hidden" role="status">
            Loading evidence…
          </span>
          {[0, 1, 2, 3].map((i) => (
            <div key={i} className="skeleton ev-sk-line" />
          ))}
        </div>
      ) : load.status === 'error' ? (
        <LoadFailed title="Could not load the evidence" message={load.error.describe()} onRetry={retry} headingLevel={3} iconSize={20} />
      ) : evidence ? (
        <>
          <Contributors contributors={evidence.contributors} alertId={alert.id} />
          <p className="muted text-sm ev-note" data-testid="evidence-flow-note">
            {flowNote(evidence, alert)}
          </p>
          <p className="muted text-sm ev-note" data-testid="evidence-hosts-note">
            {hostsNote(evidence, windowLabel)}
            {hostLinks.map((h) => (
              <a key={h.role} className="ev-host-link" href={hostsHref(h.ip)} data-testid={`evidence-host-${h.role}`} title={`The Hosts page of ${h.ip}: its facts, open alerts and records`}>
                {h.role === 'src' ? 'Source' : 'Destination'} {h.ip}
              </a>
            ))}
          </p>
          {counts.length > 1 ? (
            <div className="ev-types" role="group" aria-label="Show record types">
              {counts.map(([t, n]) => (
                <button key={t} type="button" className={`ev-chip${types.has(t) ? ' on' : ''}`} aria-pressed={types.has(t)} onClick={() => toggleType(t)}>
                  {eventTypeLabel(t)} <span className="num">{formatCount(n)}</span>
                </button>
              ))}
            </div>
          ) : null}
          {shown.length > 0 ? (
            <ul className="ev-list" aria-label="Evidence timeline" data-testid="evidence-timeline">
              {shown.map((t) => (
                <RecordLine key={t.row.id} item={t} alert={alert} open={open.has(t.row.id)} onToggle={() => setOpen((cur) => toggle(cur, t.row.id))} />
              ))}
            </ul>
          ) : null}
          {evidence.flow.truncated || evidence.community.truncated || evidence.hosts.truncated ? (
            <p className="faint text-sm ev-note">Only the first {LIMIT} records of a part are shown; Hunt lists them all.</p>
          ) : null}
        </>
      ) : null}
    </div>
  );
}
