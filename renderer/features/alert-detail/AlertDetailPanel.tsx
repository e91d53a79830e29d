import { ArrowLeft, CheckCheck, ChevronDown, ChevronUp, CircleCheck, CircleSlash, ExternalLink, EyeOff, FileQuestion, MessageSquarePlus, MessageSquareText, Search, Tag, Undo2, UserRound } from 'lucide-react';
import { useEffect, type ReactNode } from 'react';
import { TagEditor } from './TagEditor.js';
import { Value } from '../../components/ValueMenu.js';
import type { Alert, AlertDetail, AlertStatus, HistoryEntry } from '../../../main/contract/alerts.js';
import type { RelatedAlerts } from '../../../main/contract/console.js';
import type { CaseRef } from '../../../main/contract/cases.js';
import { api } from '../../api/index.js';
import { EmptyState } from '../../components/EmptyState.js';
import { PriorityBadge, SeverityBadge, StatusBadge } from '../../components/badges.js';
import { SEVERITY_LABEL, STATUS_LABEL, severityClass } from '../../lib/domain.js';
import { formatCount, formatEndpoint, formatShortWhen, utcTitle } from '../../lib/format.js';
import { useTriage } from '../../stores/triage.js';
import { currentViewHref } from '../../stores/alerts.js';
import { navigate } from '../../app/router.js';
import { AgentCard } from './AgentCard.js';
import { RecommendedActions } from './RecommendedActions.js';
import { Occurrences } from './Occurrences.js';
import { CaseLine, useAlertCase } from './AlertCase.js';
import { Evidence } from './Evidence.js';
import { ScoreBreakdown } from './ScoreBreakdown.js';
import { ExposureFindings } from './ExposureFindings.js';
import { useAlertDetail } from './store.js';
import { SuppressionStateBadge } from '../suppressions/StateBadge.js';
import './alert-detail.css';
import { LoadFailed } from '../../components/LoadFailed.js';
import { Time } from '../../components/Time.js';

const ATTACK_ORIGIN = 'https://attack.mitre.org/';

/** Opens an ATT&CK page outside the app (the desktop shell routes it to the system browser). */
function openAttack(url: string): void {
  if (!url.startsWith(ATTACK_ORIGIN)) return;
  window.open(url, '_blank', 'noopener,noreferrer');
}

function Section({ title, aside, children, id }: { title: string; aside?: ReactNode; children: ReactNode; id: string }) {
  return (
    <section className="d-section" aria-labelledby={id}>
      <header className="d-section-head">
        <h3 id={id}>{title}</h3>
        {aside ? <span className="d-section-aside">{aside}</span> : null}
      </header>
      {children}
    </section>
  );
}

// ---------- actions ----------

const ACTIONS: ReadonlyArray<{ status: AlertStatus; label: string; key: string; icon: typeof CheckCheck }> = [
  { status: 'ACKNOWLEDGED', label: 'Acknowledge', key: 'a', icon: CheckCheck },
  { status: 'INVESTIGATING', label: 'Investigating', key: 'i', icon: Search },
  { status: 'RESOLVED', label: 'Resolve…', key: 'r', icon: CircleCheck },
  { status: 'FALSE_POSITIVE', label: 'False positive…', key: 'f', icon: CircleSlash },
];

function DetailActions({ alert }: { alert: Alert }) {
  const t = useTriage.getState();
  return (
    <div className="d-actions" role="toolbar" aria-label="Triage actions">
      {ACTIONS.map(({ status, label, key, icon: Icon }) => (
        <button
          key={status}
          type="button"
          className="button small"
          aria-keyshortcuts={key}
          disabled={alert.status === status}
          onClick={() => t.requestStatus(alert, status)}
        >
          <Icon size={13} aria-hidden="true" />
          {label}
          <kbd aria-hidden="true">{key}</kbd>
        </button>
      ))}
      <button type="button" className="button small" aria-keyshortcuts="s" onClick={() => t.openDialog({ kind: 'suppress', alert, advance: false })}>
        <EyeOff size={13} aria-hidden="true" />
        Suppress…
        <kbd aria-hidden="true">s</kbd>
      </button>
      <button type="button" className="button small" onClick={() => t.openDialog({ kind: 'assign', ids: [alert.id], current: alert.assignee })}>
        <UserRound size={13} aria-hidden="true" />
        {alert.assignee ? 'Reassign…' : 'Assign…'}
      </button>
    </div>
  );
}

// ---------- header ----------

function Meta({ label, children, wide = false }: { label: string; children: ReactNode; wide?: boolean }) {
  return (
    <div className={`d-meta-item${wide ? ' d-meta-wide' : ''}`}>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function DetailHeader({ detail, caseRef }: { detail: AlertDetail; caseRef: CaseRef | null | undefined }) {
  const a = detail.alert;
  return (
    <header className="d-header">
      <div className="d-badges">
        <SeverityBadge severity={a.severity} />
        <span title={`${a.priority}: ${detail.priority_reason}`} data-testid="detail-priority">
          <PriorityBadge priority={a.priority} />
        </span>
        <span data-testid="detail-status">
          <StatusBadge status={a.status} />
        </span>
        {a.assignee ? (
          <span className="d-assignee">
            <UserRound size={12} aria-hidden="true" />
            {a.assignee}
          </span>
        ) : null}
        <span className="d-prio-reason text-sm" data-testid="priority-reason">
          {a.priority}: {detail.priority_reason}
        </span>
      </div>
      <h2 id="detail-title" className="d-title">
        {a.title}
      </h2>
      <TagEditor alert={a} />
      <dl className="d-meta">
        <Meta label="Case" wide>
          <CaseLine caseRef={caseRef} />
        </Meta>
        <Meta label="Rule">{a.rule_id ? <span className="mono">{a.rule_id}</span> : <span className="faint">—</span>}</Meta>
        <Meta label="Source">{a.source}</Meta>
        <Meta label="Count">
          <span className="num">{formatCount(a.count)}</span>
        </Meta>
        <Meta label="First seen">
          <Time iso={a.first_seen} />
        </Meta>
        <Meta label="Last seen">
          <Time iso={a.last_seen} />
        </Meta>
        <Meta label="Host">
          {a.host ? (
            <span className={a.agent ? undefined : 'mono'} data-testid="detail-host">
              {a.host}
            </span>
          ) : (
            <span className="faint">—</span>
          )}
        </Meta>
        {a.agent ? (
          <Meta label="Agent">
            <span data-testid="detail-agent">
              {a.agent.name ?? '—'}
              {a.agent.id ? <span className="faint mono"> id {a.agent.id}</span> : null}
            </span>
          </Meta>
        ) : null}
        {a.user ? (
          <Meta label="User">
            <span className="mono" data-testid="detail-user">
              <Value kind="user" value={a.user} seen={a.last_seen} />
            </span>
          </Meta>
        ) : null}
        {a.sensor ? (
          <Meta label="Sensor">
            <span data-testid="detail-sensor">{a.sensor}</span>
          </Meta>
        ) : null}
        {a.src_ip || a.dst_ip ? (
          <Meta label="Src → Dst" wide>
            <span className="mono">
              {a.src_ip ? <Value kind="ip" value={a.src_ip} seen={a.last_seen}>{formatEndpoint(a.src_ip, a.src_port)}</Value> : '—'} →{' '}
              {a.dst_ip ? <Value kind="ip" value={a.dst_ip} seen={a.last_seen}>{formatEndpoint(a.dst_ip, a.dst_port)}</Value> : '—'}
            </span>
            {a.proto ? <span className="faint"> {a.proto}</span> : null}
          </Meta>
        ) : null}
      </dl>
    </header>
  );
}

// ---------- ATT&CK ----------

function Techniques({ detail }: { detail: AlertDetail }) {
  const known = new Set(detail.techniques.map((t) => t.id));
  const unknown = detail.alert.technique_ids.filter((id) => !known.has(id));
  if (detail.techniques.length === 0 && unknown.length === 0) {
    return <p className="muted text-sm">No ATT&CK technique was mapped for this alert.</p>;
  }
  return (
    <ul className="ad-techniques">
      {detail.techniques.map((t) => (
        <li key={t.id} className="ad-technique" data-testid="technique">
          <div className="ad-technique-head">
            <span className="mono ad-technique-id">{t.id}</span>
            <span className="ad-technique-name">{t.name}</span>
            <span className="ad-technique-tactics">
              {t.tactics.map((x) => (
                <span key={x.id} className="ad-tactic" title={x.id}>
                  {x.name}
                </span>
              ))}
            </span>
          </div>
          {t.summary ? <p className="ad-technique-summary">{t.summary}</p> : null}
          <div className="ad-technique-link">
            <span className="mono faint text-sm ad-selectable">{t.url}</span>
            {t.url.startsWith(ATTACK_ORIGIN) ? (
              <button type="button" className="button ghost small" onClick={() => openAttack(t.url)} aria-label={`Open ${t.id} ${t.name} on attack.mitre.org`}>
                <ExternalLink size={12} aria-hidden="true" />
                Open
              </button>
            ) : null}
          </div>
        </li>
      ))}
      {unknown.map((id) => (
        <li key={id} className="ad-technique">
          <div className="ad-technique-head">
            <span className="mono ad-technique-id">{id}</span>
            <span className="faint">not in the bundled ATT&CK table</span>
          </div>
        </li>
      ))}
    </ul>
  );
}

// ---------- detection and enrichment ----------

function obj(v: unknown): Record<string, unknown> | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

function str(v: unknown): string | null {
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}

function Detection({ detail }: { detail: AlertDetail }) {
  const basis = str(detail.detection['basis']);
  return (
    <dl className="ad-kv">
      <div>
        <dt>Threat type</dt>
        <dd>{detail.threat_type.replace(/_/g, ' ')}</dd>
      </div>
      <div>
        <dt>Confidence</dt>
        <dd className="num">{Math.round(detail.confidence * 100)}%</dd>
      </div>
      {basis ? (
        <div className="ad-kv-wide">
          <dt>Basis</dt>
          <dd className="ad-basis">{basis}</dd>
        </div>
      ) : null}
    </dl>
  );
}

function Address({ label, value }: { label: string; value: unknown }) {
  const a = obj(value);
  if (!a) {
    return (
      <div>
        <dt>{label}</dt>
        <dd className="faint">—</dd>
      </div>
    );
  }
  const geo = obj(a['geo']);
  const place = geo ? [str(geo['city']), str(geo['country']) ?? str(geo['country_code'])].filter(Boolean).join(', ') : '';
  const asn = geo && str(geo['asn']) ? `AS${str(geo['asn'])}${str(geo['as_org']) ? ` ${str(geo['as_org'])}` : ''}` : '';
  const cls = str(a['class']);
  return (
    <div>
      <dt>{label}</dt>
      <dd>
        <span className="mono">{str(a['ip']) ?? '—'}</span>
        {cls ? <span className="ad-tag">{cls}</span> : null}
        {a['external'] === true ? <span className="ad-tag ad-tag-ext">external</span> : null}
        {place || asn ? (
          <span className="ad-geo">
            {place}
            {place && asn ? ' · ' : ''}
            {asn}
          </span>
        ) : (
          <span className="faint ad-geo">{cls === 'public' ? 'no geo data (no GeoIP database configured)' : ''}</span>
        )}
      </dd>
    </div>
  );
}

function Enrichment({ detail }: { detail: AlertDetail }) {
  const e = detail.enrichment;
  const agent = obj(e['agent']);
  const agentText = agent ? [str(agent['name']), str(agent['id']) ? `id ${str(agent['id'])}` : null, str(agent['ip'])].filter(Boolean).join(' · ') : null;
  return (
    <dl className="ad-kv">
      <Address label="Source" value={e['src']} />
      <Address label="Destination" value={e['dst']} />
      <div>
        <dt>Agent</dt>
        <dd>{agentText ? agentText : <span className="faint">—</span>}</dd>
      </div>
      <div>
        <dt>User</dt>
        <dd>{str(e['user']) ? <span className="mono">{str(e['user'])}</span> : <span className="faint">—</span>}</dd>
      </div>
    </dl>
  );
}

// ---------- history ----------

/** One line of the history: an icon, what happened, who and when, and what it carried (a note). */
function HistoryLine(props: { testId: string; className?: string; icon: ReactNode; label: string; who: ReactNode; children?: ReactNode }) {
  return (
    <li className={`ad-h-item${props.className ? ` ${props.className}` : ''}`} data-testid={props.testId}>
      <span className="ad-h-dot" aria-hidden="true" />
      <div className="ad-h-body">
        <div className="ad-h-line">
          {props.icon}
          <span className="ad-h-kind">{props.label}</span>
          {props.who}
        </div>
        {props.children}
      </div>
    </li>
  );
}

function HistoryItem({ entry: c }: { entry: HistoryEntry }) {
  const who = (
    <>
      <span className="ad-h-who">{c.actor}</span>
      <span className="ad-h-when faint">
        <Time iso={c.ts} />
      </span>
    </>
  );
  if (c.kind === 'note') {
    return (
      <HistoryLine testId="history-note" className="ad-h-note-item" icon={<MessageSquareText size={13} className="ad-h-icon" aria-hidden="true" />} label="Note" who={who}>
        <blockquote className="ad-h-note">{c.note}</blockquote>
      </HistoryLine>
    );
  }
  if (c.kind === 'assign') {
    const label = c.assignee === null ? 'Unassigned' : `Assigned to ${c.assignee}`;
    return <HistoryLine testId="history-assign" icon={<UserRound size={13} className="ad-h-icon" aria-hidden="true" />} label={label} who={who} />;
  }
  if (c.kind === 'tags') {
    const label = [c.added.length > 0 ? `Tagged ${c.added.join(', ')}` : '', c.removed.length > 0 ? `Untagged ${c.removed.join(', ')}` : ''].filter(Boolean).join('; ');
    return <HistoryLine testId="history-tags" icon={<Tag size={13} className="ad-h-icon" aria-hidden="true" />} label={label} who={who} />;
  }
  return (
    <li className="ad-h-item" data-testid="history-entry" data-from={c.from} data-to={c.to} data-undo={c.undo || undefined}>
      <span className="ad-h-dot" aria-hidden="true" />
      <div className="ad-h-body">
        <div className="ad-h-line">
          {c.undo ? (
            <span className="ad-h-undo">
              <Undo2 size={12} aria-hidden="true" />
              Undo
            </span>
          ) : null}
          <StatusBadge status={c.from} />
          <span className="faint" aria-hidden="true">
            →
          </span>
          <span className="visually-hidden">to</span>
          <StatusBadge status={c.to} />
          {who}
        </div>
        {c.note ? <blockquote className="ad-h-note">{c.note}</blockquote> : null}
      </div>
    </li>
  );
}

function History({ detail }: { detail: AlertDetail }) {
  const h = detail.history;
  return (
    <ol className="ad-history" data-testid="history">
      <li className="ad-h-item ad-h-created">
        <span className="ad-h-dot" aria-hidden="true" />
        <div className="ad-h-body">
          <div className="ad-h-line">
            <StatusBadge status="NEW" />
            <span className="faint">first seen</span>
            <span className="ad-h-when faint">
              <Time iso={detail.alert.first_seen} />
            </span>
          </div>
        </div>
      </li>
      {h.map((c, i) => (
        <HistoryItem key={`${c.ts}-${i}`} entry={c} />
      ))}
      {h.length === 0 ? <li className="ad-h-empty muted text-sm">No changes or notes yet.</li> : null}
    </ol>
  );
}

// ---------- suppressions ----------

/** "src_ip = 203.0.113.0/24 · rule_id = 1:2001219" */
function matchText(m: Record<string, unknown>): string {
  return Object.entries(m)
    .map(([k, v]) => `${k} = ${String(v)}`)
    .join(' · ');
}

/** "Which suppression hid this?": the rules that match this alert, and what each dropped like it. */
function SuppressedBy({ alert }: { alert: Alert }) {
  const found = useAlertDetail((s) => (s.suppressions?.alert_id === alert.id ? s.suppressions : null));
  if (!found) return null;
  if (found.rules.length === 0) {
    if (alert.status !== 'SUPPRESSED') return null;
    return (
      <Section id="d-suppressed" title="Suppressed by">
        <p className="muted text-sm" data-testid="suppressed-by-none">
          No suppression rule matches this alert: it was set to Suppressed by hand (see the history).
        </p>
      </Section>
    );
  }
  return (
    <Section id="d-suppressed" title="Suppressed by" aside={<a href="#/suppressions">All suppressions</a>}>
      <ul className="ad-supp-list" data-testid="suppressed-by">
        {found.rules.map(({ suppression: r, hidden, last_hidden_at }) => (
          <li key={r.id} className="ad-supp" data-suppression-id={r.id}>
            <div className="ad-supp-head">
              <a href={`#/suppressions?id=${r.id}`} className="ad-supp-id">
                Rule #{r.id}
              </a>
              <SuppressionStateBadge state={r.state} />
              <span className="mono ad-supp-match">{matchText(r.match)}</span>
            </div>
            <p className="ad-supp-reason">{r.reason}</p>
            <p className="faint text-sm">
              {hidden > 0 ? (
                <>
                  Hid <strong className="num">{formatCount(hidden)}</strong> {hidden === 1 ? 'event' : 'events'} like this alert
                  {last_hidden_at ? (
                    <>
                      , the last <Time iso={last_hidden_at} />
                    </>
                  ) : null}
                  .{' '}
                </>
              ) : (
                'Has hidden no event like this alert yet. '
              )}
              By {r.created_by}, {r.expires_at ? (
                <>
                  {r.state === 'active' ? 'until' : 'ended'} <Time iso={r.expires_at} />
                </>
              ) : (
                'no expiry'
              )}
              .
            </p>
          </li>
        ))}
      </ul>
    </Section>
  );
}

// ---------- related ----------

function RelatedList({ title, items, empty }: { title: string; items: Alert[]; empty: string }) {
  return (
    <div className="ad-related-col">
      <h4 className="ad-related-title">
        {title} <span className="faint num">{items.length > 0 ? items.length : ''}</span>
      </h4>
      {items.length === 0 ? (
        <p className="faint text-sm">{empty}</p>
      ) : (
        <ul className="ad-related-list">
          {items.map((r) => (
            <li key={r.id}>
              <a
                href={`#/alerts/${r.id}`}
                onClick={(e) => {
                  e.preventDefault();
                  navigate(currentViewHref(r.id));
                }}
                className={`ad-related-item ${severityClass(r.severity)}`} title={`${SEVERITY_LABEL[r.severity]} · ${STATUS_LABEL[r.status]} · ${r.title}`}>
                <span className="sev-swatch" aria-hidden="true" />
                <span className="visually-hidden">{SEVERITY_LABEL[r.severity]}</span>
                <span className="ad-related-name ellipsis">{r.title}</span>
                <StatusBadge status={r.status} />
                <span className="ad-related-when faint num" title={utcTitle(r.last_seen)}>
                  {formatShortWhen(r.last_seen)}
                </span>
              </a>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Related({ alert }: { alert: Alert }) {
  const related = useAlertDetail((s) => s.related);
  const loading = useAlertDetail((s) => s.relatedLoading);
  const error = useAlertDetail((s) => s.relatedError);
  if (error) {
    return (
      <p className="error-text text-sm" role="alert">
        Could not load related alerts: {error.describe()}
      </p>
    );
  }
  if (!related || loading) {
    return (
      <div className="ad-related" aria-busy="true">
        {[0, 1, 2, 3].map((i) => (
          <div key={i} className="ad-related-col">
            <span className="skeleton ad-sk-line" />
            <span className="skeleton ad-sk-line ui-short" />
            <span className="skeleton ad-sk-line" />
          </div>
        ))}
      </div>
    );
  }
  const r: RelatedAlerts = related;
  return (
    <div className="ad-related">
      <RelatedList title={`Same host${alert.host ? ` ${alert.host}` : ''}`} items={r.same_host} empty={alert.host ? 'No other alerts.' : 'No host.'} />
      <RelatedList title={`Same source${alert.src_ip ? ` ${alert.src_ip}` : ''}`} items={r.same_source} empty={alert.src_ip ? 'No other alerts.' : 'No source address.'} />
      <RelatedList title={`Same destination${alert.dst_ip ? ` ${alert.dst_ip}` : ''}`} items={r.same_destination} empty={alert.dst_ip ? 'No other alerts.' : 'No destination address.'} />
      <RelatedList
        title={`Same technique${alert.technique_ids[0] ? ` ${alert.technique_ids[0]}` : ''}`}
        items={r.same_technique}
        empty={alert.technique_ids.length ? 'No other alerts.' : 'No technique mapped.'}
      />
    </div>
  );
}

// ---------- panel ----------

function DetailSkeleton() {
  return (
    <div className="d-skeleton" aria-hidden="true">
      <span className="skeleton ad-sk-badges" />
      <span className="skeleton ad-sk-title" />
      <span className="skeleton ad-sk-line" />
      <span className="skeleton ad-sk-block" />
      <span className="skeleton ad-sk-block" />
    </div>
  );
}

export interface AlertDetailPanelProps {
  alertId: number;
  onClose(): void;
  /** Moves to the previous (-1) / next (+1) alert of the list. */
  onStep(delta: number): void;
}

/** The alert detail (#/alerts/:id), shown beside the list. */
export function AlertDetailPanel({ alertId, onClose, onStep }: AlertDetailPanelProps) {
  const detail = useAlertDetail((s) => (s.detail?.alert.id === alertId ? s.detail : null));
  const loading = useAlertDetail((s) => s.loading);
  const error = useAlertDetail((s) => s.error);
  const caseRef = useAlertCase(alertId);

  useEffect(() => {
    useAlertDetail.getState().open(alertId);
  }, [alertId]);

  useEffect(() => {
    const off = api.on('alerts.changed', (p) => useAlertDetail.getState().handleChanged(p));
    return () => {
      off();
      useAlertDetail.getState().close();
    };
  }, []);

  let body: ReactNode;
  if (error && !detail) {
    body =
      error.code === 'NOT_FOUND' ? (
        <EmptyState icon={<FileQuestion size={28} />} title={`Alert #${alertId} does not exist`} headingLevel={2}>
          <p>It may have been removed, or the link is wrong.</p>
        </EmptyState>
      ) : (
        <LoadFailed title="Could not load the alert" message={error.describe()} onRetry={() => useAlertDetail.getState().open(alertId)} />
      );
  } else if (!detail) {
    body = (
      <>
        <DetailSkeleton />
        <span className="visually-hidden" role="status">
          Loading alert {alertId}…
        </span>
      </>
    );
  } else {
    const a = detail.alert;
    body = (
      <>
        <DetailHeader detail={detail} caseRef={caseRef} />
        <DetailActions alert={a} />
        <div className={`d-sections${loading ? ' refreshing' : ''}`}>
          <Section id="d-score" title="Risk score" aside={<span className="num">{a.risk_score} / 100</span>}>
            <ScoreBreakdown terms={detail.score_terms} score={a.risk_score} />
            <ExposureFindings hosts={[a.dst_ip, a.src_ip].filter((h): h is string => !!h)} />
          </Section>
          <Section id="d-attack" title="MITRE ATT&CK">
            <Techniques detail={detail} />
          </Section>
          <div className="d-two">
            <Section id="d-detection" title="Detection">
              <Detection detail={detail} />
            </Section>
            <Section id="d-enrichment" title="Enrichment">
              <Enrichment detail={detail} />
            </Section>
          </div>
          <RecommendedActions alert={a} />
          <AgentCard alert={a} />
          <Section id="d-occurrences" title="Occurrences" aside={<span className="num">{formatCount(a.count)}</span>}>
            <Occurrences detail={detail} caseRef={caseRef ?? null} />
          </Section>
          <Section id="d-evidence" title="Evidence">
            <Evidence alert={a} />
          </Section>
          <SuppressedBy alert={a} />
          <Section
            id="d-history"
            title="History and notes"
            aside={
              <button type="button" className="button ghost small" aria-keyshortcuts="n" onClick={() => useTriage.getState().openDialog({ kind: 'note', alert: a })}>
                <MessageSquarePlus size={13} aria-hidden="true" />
                Add note
                <kbd aria-hidden="true">n</kbd>
              </button>
            }
          >
            <History detail={detail} />
          </Section>
          <Section id="d-related" title="Related alerts">
            <Related alert={a} />
          </Section>
        </div>
      </>
    );
  }

  return (
    <aside className="detail-panel" aria-label={`Alert ${alertId}`} data-testid="alert-detail" data-alert-id={alertId}>
      <div className="d-top">
        <button type="button" className="button ghost small" onClick={onClose}>
          <ArrowLeft size={14} aria-hidden="true" />
          Back to alerts
          <kbd aria-hidden="true">Esc</kbd>
        </button>
        <span className="d-id num">Alert #{alertId}</span>
        <div className="header-spacer" />
        <button type="button" className="icon-button small" aria-label="Previous alert" title="Previous alert (k)" onClick={() => onStep(-1)}>
          <ChevronUp size={15} aria-hidden="true" />
        </button>
        <button type="button" className="icon-button small" aria-label="Next alert" title="Next alert (j)" onClick={() => onStep(1)}>
          <ChevronDown size={15} aria-hidden="true" />
        </button>
      </div>
      <div className="d-scroll">{body}</div>
    </aside>
  );
}
