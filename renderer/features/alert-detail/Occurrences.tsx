import { useEffect, useMemo, useState } from 'react';
import type { AlertDetail } from '../../../main/contract/alerts.js';
import type { CaseRef } from '../../../main/contract/cases.js';
import { SEVERITY_LABEL, severityClass } from '../../lib/domain.js';
import { formatCount, formatEndpoint, formatLocalFull, formatLocalTime, utcTitle } from '../../lib/format.js';
import { RawEvent } from './RawEvent.js';
import { PinEvent } from './AlertCase.js';

type Event = AlertDetail['events'][number];

const BUCKETS = 40;
const W = 400;
const H = 56;

function histogram(events: Event[]): { counts: number[]; from: number; to: number } {
  const times = events.map((e) => Date.parse(e.ts)).filter((t) => !Number.isNaN(t));
  if (times.length === 0) return { counts: [], from: 0, to: 0 };
  const from = Math.min(...times);
  const to = Math.max(...times);
  const span = Math.max(1, to - from);
  const counts = new Array<number>(BUCKETS).fill(0);
  for (const t of times) {
    const b = Math.min(BUCKETS - 1, Math.floor(((t - from) / span) * BUCKETS));
    counts[b] = (counts[b] ?? 0) + 1;
  }
  return { counts, from, to };
}

function spanText(ms: number): string {
  if (ms < 1000) return `${Math.max(1, Math.round(ms))} ms`;
  const s = ms / 1000;
  if (s < 90) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const m = s / 60;
  if (m < 90) return `${Math.round(m)} min`;
  const h = m / 60;
  return h < 48 ? `${h.toFixed(1)} h` : `${(h / 24).toFixed(1)} days`;
}

function Sparkline({ events }: { events: Event[] }) {
  const { counts, from, to } = useMemo(() => histogram(events), [events]);
  if (counts.length === 0) return null;
  const max = Math.max(...counts);
  const bw = W / BUCKETS;
  return (
    <figure className="ad-spark">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={`${events.length} occurrences between ${formatLocalFull(new Date(from).toISOString())} and ${formatLocalFull(new Date(to).toISOString())}, busiest interval ${max}`}
      >
        <line x1={0} y1={H - 0.5} x2={W} y2={H - 0.5} className="ad-spark-axis" />
        {counts.map((c, i) =>
          c > 0 ? <rect key={i} x={i * bw + 0.75} width={bw - 1.5} y={H - 1 - (c / max) * (H - 4)} height={(c / max) * (H - 4)} rx={1} className="ad-spark-bar" /> : null,
        )}
      </svg>
      <figcaption className="ad-spark-axis-labels num">
        <span title={utcTitle(new Date(from).toISOString())}>{formatLocalTime(new Date(from).toISOString())}</span>
        <span className="faint">{to > from ? `${spanText(to - from)} · peak ${max} per ${spanText((to - from) / BUCKETS)}` : 'one instant'}</span>
        <span title={utcTitle(new Date(to).toISOString())}>{formatLocalTime(new Date(to).toISOString())}</span>
      </figcaption>
    </figure>
  );
}

/** The grouped occurrences: a histogram over time, the list, and the raw text of the chosen one. */
export function Occurrences({ detail, caseRef }: { detail: AlertDetail; caseRef: CaseRef | null }) {
  const events = detail.events;
  const [chosen, setChosen] = useState<number | null>(events[0]?.id ?? null);
  useEffect(() => setChosen(events[0]?.id ?? null), [detail.alert.id, events]);
  const current = events.find((e) => e.id === chosen) ?? events[0];

  if (events.length === 0) {
    return (
      <p className="muted text-sm">
        No raw events are retained for this alert. Correlation alerts (brute force, scans, floods) summarise other events, and retention prunes
        old raw events.
      </p>
    );
  }
  const shown = events.length < detail.events_total ? `first ${formatCount(events.length)} of ${formatCount(detail.events_total)} retained` : `${formatCount(events.length)} retained`;
  return (
    <div className="ad-occurrences">
      <p className="occ-summary muted text-sm">
        {formatCount(detail.alert.count)} {detail.alert.count === 1 ? 'occurrence' : 'occurrences'} grouped · raw events: {shown}
      </p>
      <Sparkline events={events} />
      <div className="occ-list" role="group" aria-label="Occurrences (choose one to see its raw event)">
        {events.map((e) => (
          <button
            key={e.id}
            type="button"
            aria-pressed={e.id === current?.id}
            className={`occ-row${e.id === current?.id ? ' on' : ''}`}
            onClick={() => setChosen(e.id)}
          >
            <time className="num occ-time" dateTime={e.ts} title={utcTitle(e.ts)}>
              {formatLocalTime(e.ts)}
            </time>
            <span className={`occ-sev ${severityClass(e.severity)}`}>
              <span className="sev-swatch" aria-hidden="true" />
              {SEVERITY_LABEL[e.severity]}
            </span>
            <span className="mono occ-flow ellipsis">
              {formatEndpoint(e.src_ip, e.src_port) ?? '—'} → {formatEndpoint(e.dst_ip, e.dst_port) ?? '—'}
            </span>
            <span className="faint occ-src ellipsis" title={e.file ? `${e.file}${e.line !== null ? `:${e.line}` : ''}` : undefined}>
              {e.file ? `${e.file.split('/').pop()}${e.line !== null ? `:${e.line}` : ''}` : ''}
            </span>
          </button>
        ))}
      </div>
      {current ? <RawEvent raw={current.raw} label={`Raw event #${current.id}${current.file ? ` · ${current.file}${current.line !== null ? `:${current.line}` : ''}` : ''}`} /> : null}
      {current && caseRef && caseRef.status !== 'closed' ? (
        <div className="ad-raw-actions">
          <PinEvent caseRef={caseRef} event={current} alertTitle={detail.alert.title} />
        </div>
      ) : null}
    </div>
  );
}
