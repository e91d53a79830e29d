import { Flag, Paperclip, Plus, ShieldCheck, ShieldAlert, Trash2, Unlink } from 'lucide-react';
import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { Alert } from '../../../main/contract/alerts.js';
import type { CaseDetail, CaseNote, Evidence, Observable, ObservableType, TimelineItem } from '../../../main/contract/cases.js';
import type { ReportRecord, VerifyResult } from '../../../main/contract/reports.js';
import { api, errorMessage } from '../../api/index.js';
import { SeverityBadge, StatusBadge } from '../../components/badges.js';
import { Value, type ValueKind } from '../../components/ValueMenu.js';
import { alertsHref } from '../../app/router.js';
import { SEVERITY_ORDER, STATUS_ORDER, STATUS_LABEL, SEVERITY_LABEL } from '../../lib/domain.js';
import { formatBytes, formatCount, formatLocalFull, formatLocalTime, utcTitle } from '../../lib/format.js';
import { toastFailure, useToasts } from '../../stores/toasts.js';
import { useKeys, useRowCursor } from './keys.js';
import { useCases } from './store.js';
import { FormError } from '../../components/FormError.js';
import { EntryActions, EntryEditor, editable } from './TimelineEdit.js';
import { MoreButton, useMorePages } from './pages.js';

const OBSERVABLE_TYPES: ObservableType[] = ['ipv4', 'ipv6', 'domain', 'url', 'md5', 'sha1', 'sha256', 'user', 'host'];

/** The value menu's kind of each observable type (hunt it, filter alerts by it, copy). */
const OBSERVABLE_KIND: Record<ObservableType, ValueKind> = {
  ipv4: 'ip',
  ipv6: 'ip',
  domain: 'domain',
  url: 'url',
  md5: 'hash',
  sha1: 'hash',
  sha256: 'hash',
  user: 'user',
  host: 'host',
};

/** HTML made by main's Markdown renderer (no raw HTML, no images, links as text). */
function Markdown({ html, testId }: { html: string; testId?: string }) {
  return <div className="md" data-testid={testId} dangerouslySetInnerHTML={{ __html: html }} />;
}

function useMarkdown(text: string): string {
  const [html, setHtml] = useState('');
  useEffect(() => {
    let live = true;
    if (!text.trim()) {
      setHtml('');
      return;
    }
    const t = setTimeout(() => {
      void api.call('cases.markdown', { text }).then((r) => live && setHtml(r.html), () => undefined);
    }, 150);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [text]);
  return html;
}

/** Reloads when the case changes (push events bump the store's version). */
export function useCaseData<T>(load: () => Promise<T>, deps: readonly unknown[]): { data: T | null; error: string | null; reload: () => void } {
  const version = useCases((s) => s.version);
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    let live = true;
    loadRef.current().then(
      (d) => {
        if (live) {
          setData(d);
          setError(null);
        }
      },
      (err: unknown) => live && setError(errorMessage(err)),
    );
    return () => {
      live = false;
    };
  }, [version, tick, ...deps]);
  return { data, error, reload: useCallback(() => setTick((t) => t + 1), []) };
}

function Bars({ rows }: { rows: { label: string; value: number; cls?: string }[] }) {
  const max = Math.max(1, ...rows.map((r) => r.value));
  return (
    <ul className="case-bars">
      {rows.map((r) => (
        <li key={r.label}>
          <span className="case-bar-label">{r.label}</span>
          <span className="case-bar-track">
            <span className={`case-bar-fill ${r.cls ?? ''}`} style={{ width: `${(r.value / max) * 100}%` }} />
          </span>
          <span className="num">{formatCount(r.value)}</span>
        </li>
      ))}
    </ul>
  );
}

// ---------------------------------------------------------------- summary
export function SummaryTab({ c }: { c: CaseDetail }) {
  const description = useMarkdown(c.description);
  const closure = useMarkdown(c.closure_note ?? '');
  const reports = useCaseData(() => api.call('reports.list', { case_id: c.id, limit: 20 }), [c.id]);
  const [verified, setVerified] = useState<Record<number, VerifyResult>>({});
  const verify = async (r: ReportRecord) => {
    try {
      const v = await api.call('reports.verify', { report_id: r.id });
      setVerified((m) => ({ ...m, [r.id]: v }));
    } catch (err) {
      toastFailure(err);
    }
  };
  return (
    <div className="case-summary">
      <div className="case-kpis">
        {[
          ['Alerts', c.alert_count],
          ['Raw events', c.event_count],
          ['Observables', c.observable_count],
          ['IOCs', c.ioc_count],
          ['Notes', c.note_count],
          ['Evidence', c.evidence_count],
        ].map(([label, n]) => (
          <div key={label} className="case-kpi">
            <span className="case-kpi-v num">{formatCount(n as number)}</span>
            <span className="case-kpi-l">{label}</span>
          </div>
        ))}
      </div>
      <div className="case-grid">
        <section className="case-panel">
          <h2>Description</h2>
          {c.description.trim() ? <Markdown html={description} /> : <p className="faint">No description. Press e to add one.</p>}
          {c.status === 'closed' ? (
            <>
              <h3>Closure</h3>
              {c.closure_note ? <Markdown html={closure} /> : <p className="faint">No closure note.</p>}
            </>
          ) : null}
          {c.tags.length ? (
            <p className="case-tags">
              {c.tags.map((t) => (
                <span key={t} className="tag">
                  {t}
                </span>
              ))}
            </p>
          ) : null}
          <p className="faint text-sm">
            Activity {c.first_seen ? `${formatLocalFull(c.first_seen)} → ${formatLocalFull(c.last_seen!)}` : '—'} · findings linked: {c.finding_count} (scans are not in Vigil yet)
          </p>
        </section>
        <section className="case-panel">
          <h2>Alerts by severity</h2>
          <Bars rows={SEVERITY_ORDER.map((s) => ({ label: SEVERITY_LABEL[s], value: c.alerts_by_severity[s], cls: `sev-${s}` }))} />
          <h2>Alerts by status</h2>
          <Bars rows={STATUS_ORDER.filter((s) => c.alerts_by_status[s] > 0).map((s) => ({ label: STATUS_LABEL[s], value: c.alerts_by_status[s] }))} />
        </section>
        <section className="case-panel">
          <h2>ATT&amp;CK techniques</h2>
          {c.techniques.length === 0 ? (
            <p className="faint">None on these alerts.</p>
          ) : (
            <ul className="case-techniques">
              {c.techniques.map((t) => (
                <li key={t.id}>
                  <span className="mono">{t.id}</span> {t.name} <span className="faint num">{formatCount(t.alerts)}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className="case-panel">
          <h2>Reports</h2>
          {!reports.data || reports.data.length === 0 ? (
            <p className="faint">None yet. Press p to write one (PDF, HTML, CSV with a manifest).</p>
          ) : (
            <ul className="case-reports">
              {reports.data.map((r) => (
                <li key={r.id}>
                  <span title={utcTitle(r.created_at)}>{formatLocalTime(r.created_at)}</span> <span className="faint">{r.formats.join(', ')}</span>{' '}
                  <span className={`case-report-state ${r.state}`}>{r.state}</span>
                  {r.state === 'done' ? (
                    <button type="button" className="button ghost small" onClick={() => void verify(r)}>
                      Verify
                    </button>
                  ) : null}
                  {verified[r.id] ? (
                    verified[r.id]!.ok ? (
                      <span className="case-verify ok">
                        <ShieldCheck size={12} aria-hidden="true" /> intact
                      </span>
                    ) : (
                      <span className="case-verify bad" title={verified[r.id]!.problems.map((p) => `${p.kind} ${p.path}: ${p.detail}`).join('\n')}>
                        <ShieldAlert size={12} aria-hidden="true" /> {verified[r.id]!.problems.length} problem(s)
                      </span>
                    )
                  ) : null}
                  <div className="faint mono case-path">{r.dir}</div>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </div>
  );
}

// ---------------------------------------------------------------- alerts
export function AlertsTab({ c }: { c: CaseDetail }) {
  const first = useCaseData(() => api.call('cases.alerts', { id: c.id, limit: 200 }), [c.id]);
  const pages = useMorePages<Alert, { k: string | number; id: number }>(first.data, (after) => api.call('cases.alerts', { id: c.id, limit: 200, after }), 'alerts');
  const items = pages.items;
  const [cursor, setCursor] = useState(0);
  const [checked, setChecked] = useState<Set<number>>(new Set());
  const [target, setTarget] = useState<string>('');
  const [others, setOthers] = useState<{ id: number; title: string }[]>([]);
  const { move, rowProps } = useRowCursor(items.length, cursor, setCursor);

  useEffect(() => {
    void api.call('cases.list', { filter: { status: ['open', 'in_progress'] }, limit: 100 }).then((r) => setOthers(r.items.filter((x) => x.id !== c.id)), () => undefined);
  }, [c.id]);

  const toggle = (id: number) =>
    setChecked((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });

  useKeys((e) => {
    if (e.key === 'j' || e.key === 'k') {
      move(e.key === 'j' ? 1 : -1);
      return true;
    }
    if (e.key === 'x' && items[cursor]) {
      toggle(items[cursor]!.id);
      return true;
    }
    return false;
  });

  const detach = async () => {
    try {
      const r = await api.call('cases.detachAlerts', { id: c.id, alert_ids: [...checked] });
      useToasts.getState().push('success', `${r.removed} alert(s) detached from case #${c.id}`);
      setChecked(new Set());
    } catch (err) {
      toastFailure(err);
    }
  };
  const moveTo = async () => {
    if (!target) return;
    try {
      const r = await api.call('cases.moveAlerts', { from_id: c.id, to_id: Number(target), alert_ids: [...checked] });
      useToasts.getState().push('success', `${r.moved} alert(s) moved to case #${target}`);
      setChecked(new Set());
    } catch (err) {
      toastFailure(err);
    }
  };

  if (c.alert_count === 0) return <p className="faint case-empty">No alert is in this case yet. Select alerts on the Alerts screen and press e.</p>;
  return (
    <div className="case-alerts">
      <div className="case-toolbar" role="toolbar" aria-label="Alerts of the case">
        <span className="faint text-sm">{checked.size ? `${checked.size} selected` : `${formatCount(c.alert_count)} alerts · x selects`}</span>
        <div className="header-spacer" />
        <button type="button" className="button small" disabled={checked.size === 0} onClick={() => void detach()}>
          <Unlink size={13} aria-hidden="true" /> Detach
        </button>
        <select className="ui-input small" aria-label="Move to case" value={target} onChange={(e) => setTarget(e.target.value)}>
          <option value="">Move to case…</option>
          {others.map((o) => (
            <option key={o.id} value={o.id}>
              #{o.id} {o.title}
            </option>
          ))}
        </select>
        <button type="button" className="button small" disabled={checked.size === 0 || !target} onClick={() => void moveTo()}>
          Move
        </button>
      </div>
      <div className="case-table-wrap">
        <table className="case-table" data-testid="case-alerts">
          <thead>
            <tr>
              <th scope="col">
                <span className="visually-hidden">Selected</span>
              </th>
              <th scope="col" className="num">
                #
              </th>
              <th scope="col">Severity</th>
              <th scope="col">Status</th>
              <th scope="col">Title</th>
              <th scope="col">Source → destination</th>
              <th scope="col" className="num">
                Count
              </th>
              <th scope="col">Last seen</th>
            </tr>
          </thead>
          <tbody>
            {items.map((a, i) => (
              <tr key={a.id} {...rowProps(i)}>
                <td>
                  <input type="checkbox" aria-label={`Select alert ${a.id}`} checked={checked.has(a.id)} onChange={() => toggle(a.id)} />
                </td>
                <td className="num mono">
                  <a href={alertsHref({}, a.id)}>{a.id}</a>
                </td>
                <td>
                  <SeverityBadge severity={a.severity} />
                </td>
                <td>
                  <StatusBadge status={a.status} />
                </td>
                <td>{a.title}</td>
                <td className="mono">
                  {a.src_ip ?? '—'} → {a.dst_ip ?? '—'}
                  {a.dst_port !== null ? `:${a.dst_port}` : ''}
                </td>
                <td className="num">{formatCount(a.count)}</td>
                <td title={utcTitle(a.last_seen)}>{formatLocalTime(a.last_seen)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <MoreButton pages={pages} label="Load more" />
        <FormError error={first.error ? `Could not load the alerts: ${first.error}` : null} />
      </div>
    </div>
  );
}

// ---------------------------------------------------------------- observables
export function ObservablesTab({ c }: { c: CaseDetail }) {
  const id = useId();
  const [type, setType] = useState<ObservableType | ''>('');
  const [iocOnly, setIocOnly] = useState(false);
  const [text, setText] = useState('');
  const [cursor, setCursor] = useState(0);
  const [newType, setNewType] = useState<ObservableType>('ipv4');
  const [value, setValue] = useState('');
  const [newIoc, setNewIoc] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const valueRef = useRef<HTMLInputElement>(null);
  const list = useCaseData(
    () => api.call('cases.observables', { id: c.id, limit: 1000, ...(type ? { type } : {}), ...(iocOnly ? { ioc: true } : {}), ...(text.trim() ? { text: text.trim() } : {}) }),
    [c.id, type, iocOnly, text],
  );
  const items = list.data?.items ?? [];
  const { move, rowProps } = useRowCursor(items.length, cursor, setCursor);

  const flag = (o: Observable) => api.call('cases.observables.update', { observable_id: o.id, ioc: !o.ioc }).catch(toastFailure);
  const remove = (o: Observable) => api.call('cases.observables.remove', { observable_id: o.id }).catch(toastFailure);
  const add = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await api.call('cases.observables.add', { id: c.id, type: newType, value, ioc: newIoc });
      setValue('');
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  useKeys((e) => {
    if (e.key === 'j' || e.key === 'k') {
      move(e.key === 'j' ? 1 : -1);
      return true;
    }
    if (e.key === 'i' && items[cursor]) {
      void flag(items[cursor]!);
      return true;
    }
    if (e.key === 'o') {
      valueRef.current?.focus();
      return true;
    }
    return false;
  });

  return (
    <div className="case-observables">
      <form className="case-toolbar" onSubmit={(e) => void add(e)} aria-label="Add an observable">
        <select className="ui-input small" aria-label="Type of the new observable" value={newType} onChange={(e) => setNewType(e.target.value as ObservableType)}>
          {OBSERVABLE_TYPES.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
        <input
          ref={valueRef}
          className="ui-input small case-obs-value"
          placeholder="Value, e.g. 203.0.113.7  ( o )"
          aria-label="Value of the new observable"
          value={value}
          onChange={(e) => setValue(e.target.value)}
          data-testid="observable-value"
        />
        <label className="ui-check">
          <input type="checkbox" checked={newIoc} onChange={(e) => setNewIoc(e.target.checked)} />
          <span>IOC</span>
        </label>
        <button type="submit" className="button small" disabled={!value.trim()}>
          <Plus size={13} aria-hidden="true" /> Add
        </button>
        {error ? (
          <span className="ui-field-error" role="alert">
            {error}
          </span>
        ) : null}
        <div className="header-spacer" />
        <select className="ui-input small" aria-label="Show type" value={type} onChange={(e) => setType(e.target.value as ObservableType | '')}>
          <option value="">All types</option>
          {OBSERVABLE_TYPES.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
        <label className="ui-check">
          <input id={`${id}-ioc`} type="checkbox" checked={iocOnly} onChange={(e) => setIocOnly(e.target.checked)} />
          <span>IOCs only</span>
        </label>
        <input className="ui-input small" type="search" placeholder="Filter values" aria-label="Filter observables" value={text} onChange={(e) => setText(e.target.value)} />
      </form>
      {items.length === 0 ? (
        <p className="faint case-empty">{list.data ? 'No observable. They are extracted from the alerts, the evidence and the kept records, or added above.' : 'Loading…'}</p>
      ) : (
        <div className="case-table-wrap">
          <table className="case-table" data-testid="case-observables">
            <thead>
              <tr>
                <th scope="col">Type</th>
                <th scope="col">Value</th>
                <th scope="col">IOC</th>
                <th scope="col" className="num">
                  Seen in alerts
                </th>
                <th scope="col" className="num">
                  Events
                </th>
                <th scope="col" className="num" title="Sensor records kept with the case">
                  Records
                </th>
                <th scope="col">Origin</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((o, i) => (
                <tr key={o.id} {...rowProps(i)} data-testid="observable-row">
                  <td>
                    <span className="obs-type">{o.type}</span>
                  </td>
                  <td className="mono case-obs-cell">
                    <Value kind={OBSERVABLE_KIND[o.type]} value={o.value} seen={o.last_seen} />
                  </td>
                  <td>
                    <button type="button" className={`ioc-toggle${o.ioc ? ' on' : ''}`} aria-pressed={o.ioc} onClick={() => void flag(o)} title="Flag as indicator of compromise (i)">
                      <Flag size={12} aria-hidden="true" /> {o.ioc ? 'IOC' : 'no'}
                    </button>
                  </td>
                  <td className="num">{formatCount(o.alerts)}</td>
                  <td className="num">{formatCount(o.events)}</td>
                  <td className="num">{formatCount(o.records)}</td>
                  <td className="faint">{o.origin === 'manual' ? `added by ${o.created_by}` : 'extracted'}</td>
                  <td>
                    <button type="button" className="icon-button small" aria-label={`Remove ${o.value}`} onClick={() => void remove(o)}>
                      <Trash2 size={12} aria-hidden="true" />
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {list.data && list.data.total > items.length ? <p className="faint text-sm">Showing {items.length} of {formatCount(list.data.total)}; narrow with the filters.</p> : null}
        </div>
      )}
    </div>
  );
}

// ---------------------------------------------------------------- timeline
const KIND_LABEL: Record<TimelineItem['kind'], string> = { alert: 'Alert', entry: 'Entry', event: 'Key event', record: 'Record', note: 'Note', status: 'Status', activity: 'Change' };

export function TimelineTab({ c }: { c: CaseDetail }) {
  const id = useId();
  const [kinds, setKinds] = useState<TimelineItem['kind'][]>([]);
  const [ts, setTs] = useState('');
  const [title, setTitle] = useState('');
  const [error, setError] = useState<string | null>(null);
  /** The entry being edited (its ref). */
  const [editing, setEditing] = useState<number | null>(null);
  const page = useCaseData(() => api.call('cases.timeline', { id: c.id, limit: 300, ...(kinds.length ? { kinds } : {}) }), [c.id, kinds.join()]);
  const pages = useMorePages<TimelineItem, string>(page.data, (cursor) => api.call('cases.timeline', { id: c.id, limit: 300, cursor, ...(kinds.length ? { kinds } : {}) }), 'of the timeline');
  const items = pages.items;
  const add = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const when = new Date(ts);
    if (Number.isNaN(when.getTime())) {
      setError('Give the time the thing happened.');
      return;
    }
    try {
      await api.call('cases.timeline.add', { id: c.id, ts: when.toISOString(), title });
      setTitle('');
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  const toggleKind = (k: TimelineItem['kind']) => setKinds((ks) => (ks.includes(k) ? ks.filter((x) => x !== k) : [...ks, k]));
  return (
    <div className="case-timeline">
      <form className="case-toolbar" onSubmit={(e) => void add(e)} aria-label="Add a timeline entry">
        <input id={`${id}-ts`} className="ui-input small" type="datetime-local" step={1} aria-label="When (local time)" value={ts} onChange={(e) => setTs(e.target.value)} />
        <input className="ui-input small case-obs-value" placeholder="What happened (e.g. phishing mail opened)" aria-label="What happened" value={title} maxLength={300} onChange={(e) => setTitle(e.target.value)} />
        <button type="submit" className="button small" disabled={!title.trim() || !ts}>
          <Plus size={13} aria-hidden="true" /> Add entry
        </button>
        {error ? (
          <span className="ui-field-error" role="alert">
            {error}
          </span>
        ) : null}
        <div className="header-spacer" />
        <div className="case-chips" role="group" aria-label="Show">
          {(Object.keys(KIND_LABEL) as TimelineItem['kind'][]).map((k) => (
            <button key={k} type="button" className="chip small" aria-pressed={kinds.includes(k)} onClick={() => toggleKind(k)}>
              {KIND_LABEL[k]}
            </button>
          ))}
        </div>
      </form>
      <ol className="timeline" data-testid="case-timeline">
        {items.map((it) => (
          <li key={`${it.kind}-${it.ref}-${it.ts}`} className={`tl-item tl-${it.kind}`}>
            <span className="tl-dot" aria-hidden="true" />
            <time dateTime={it.ts} title={utcTitle(it.ts)} className="tl-time">
              {formatLocalFull(it.ts)}
            </time>
            <span className="tl-kind">{KIND_LABEL[it.kind]}</span>
            <div className="tl-body">
              {editable(it) && editing === it.ref ? (
                <EntryEditor item={it} onDone={() => setEditing(null)} />
              ) : (
                <>
                  <div className="tl-title">
                    {it.severity ? <SeverityBadge severity={it.severity} /> : null}{' '}
                    {it.kind === 'alert' && it.ref !== null ? <a href={alertsHref({}, it.ref)}>{it.title}</a> : it.title}
                    {it.actor ? <span className="faint"> · {it.actor}</span> : null}
                    {editable(it) ? <EntryActions item={it} onEdit={() => setEditing(it.ref)} /> : null}
                  </div>
                  {it.body ? <div className="tl-text">{it.body.length > 400 ? `${it.body.slice(0, 400)}…` : it.body}</div> : null}
                </>
              )}
            </div>
          </li>
        ))}
      </ol>
      <MoreButton pages={pages} label="Older" />
    </div>
  );
}

// ---------------------------------------------------------------- notes
export function NotesTab({ c }: { c: CaseDetail }) {
  const [body, setBody] = useState('');
  const [busy, setBusy] = useState(false);
  const [editing, setEditing] = useState<{ id: number; body: string } | null>(null);
  const preview = useMarkdown(body);
  const notes = useCaseData(() => api.call('cases.notes', { id: c.id }), [c.id]);
  const area = useRef<HTMLTextAreaElement>(null);
  useKeys((e) => {
    if (e.key === 'n') {
      area.current?.focus();
      return true;
    }
    return false;
  });
  const add = async (e: FormEvent) => {
    e.preventDefault();
    if (!body.trim()) return;
    setBusy(true);
    try {
      await api.call('cases.notes.add', { id: c.id, body });
      setBody('');
    } catch (err) {
      toastFailure(err);
    }
    setBusy(false);
  };
  const save = async () => {
    if (!editing) return;
    try {
      await api.call('cases.notes.edit', { note_id: editing.id, body: editing.body });
      setEditing(null);
    } catch (err) {
      toastFailure(err);
    }
  };
  const remove = (n: CaseNote) => api.call('cases.notes.remove', { note_id: n.id }).catch(toastFailure);
  return (
    <div className="case-notes">
      <form className="case-composer" onSubmit={(e) => void add(e)}>
        <label className="ui-field-label" htmlFor="case-note-body">
          New note <span className="ui-req">(Markdown; HTML and images are shown as text)</span>
        </label>
        <div className="case-composer-grid">
          <textarea
            id="case-note-body"
            ref={area}
            className="ui-textarea"
            rows={6}
            value={body}
            onChange={(e) => setBody(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void add(e);
            }}
            placeholder="What you found, what you did. Ctrl+Enter adds it."
            data-testid="note-body"
          />
          <div className="case-preview" aria-label="Preview">
            {preview ? <Markdown html={preview} /> : <p className="faint">Preview</p>}
          </div>
        </div>
        <button type="submit" className="button primary small" disabled={busy || !body.trim()} data-testid="add-note">
          Add note
        </button>
      </form>
      {(notes.data ?? [])
        .slice()
        .reverse()
        .map((n) => (
          <article key={n.id} className="case-note" data-testid="case-note">
            <header className="faint text-sm">
              #{n.id} · {n.created_by} · <span title={utcTitle(n.created_at)}>{formatLocalFull(n.created_at)}</span>
              {n.updated_at !== n.created_at ? ` · edited ${formatLocalTime(n.updated_at)}` : ''}
              <span className="header-spacer" />
              <button type="button" className="button ghost small" onClick={() => setEditing({ id: n.id, body: n.body })}>
                Edit
              </button>
              <button type="button" className="button ghost small" onClick={() => void remove(n)}>
                Delete
              </button>
            </header>
            {editing?.id === n.id ? (
              <div>
                <textarea className="ui-textarea" rows={5} value={editing.body} onChange={(e) => setEditing({ id: n.id, body: e.target.value })} aria-label={`Edit note ${n.id}`} />
                <button type="button" className="button small primary" onClick={() => void save()}>
                  Save
                </button>
                <button type="button" className="button small ghost" onClick={() => setEditing(null)}>
                  Cancel
                </button>
              </div>
            ) : (
              <Markdown html={n.html} />
            )}
          </article>
        ))}
    </div>
  );
}

// ---------------------------------------------------------------- evidence
export function EvidenceTab({ c }: { c: CaseDetail }) {
  const [name, setName] = useState('');
  const [content, setContent] = useState('');
  const [description, setDescription] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [shown, setShown] = useState<(Evidence & { content: string }) | null>(null);
  const list = useCaseData(() => api.call('cases.evidence', { id: c.id }), [c.id]);
  const pick = async (file: File | undefined) => {
    if (!file) return;
    if (file.size > 512 * 1024) {
      setError(`${file.name} is ${formatBytes(file.size)}; text evidence can be at most 512 KiB.`);
      return;
    }
    setName(file.name);
    setContent(await file.text());
  };
  const add = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await api.call('cases.evidence.add', { id: c.id, name: name.trim(), content, ...(description.trim() ? { description: description.trim() } : {}) });
      setName('');
      setContent('');
      setDescription('');
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  const show = async (ev: Evidence) => {
    try {
      setShown(await api.call('cases.evidence.get', { evidence_id: ev.id }));
    } catch (err) {
      toastFailure(err);
    }
  };
  const remove = async (ev: Evidence) => {
    try {
      await api.call('cases.evidence.remove', { evidence_id: ev.id });
      if (shown?.id === ev.id) setShown(null);
    } catch (err) {
      toastFailure(err);
    }
  };
  return (
    <div className="case-evidence">
      <form className="case-composer" onSubmit={(e) => void add(e)}>
        <div className="case-toolbar">
          <label className="button small">
            <Paperclip size={13} aria-hidden="true" /> Choose a text file…
            <input type="file" className="visually-hidden" accept=".txt,.log,.json,.jsonl,.csv,.eml,.md,.xml,.yml,.yaml,text/*" onChange={(e) => void pick(e.target.files?.[0])} />
          </label>
          <input className="ui-input small" placeholder="Name (e.g. proxy.log)" aria-label="Evidence name" value={name} maxLength={255} onChange={(e) => setName(e.target.value)} />
          <input className="ui-input small case-obs-value" placeholder="What it is (optional)" aria-label="Evidence description" value={description} onChange={(e) => setDescription(e.target.value)} />
          <button type="submit" className="button small primary" disabled={!name.trim() || !content}>
            Attach
          </button>
        </div>
        <textarea className="ui-textarea mono" rows={5} placeholder="…or paste text here (log excerpt, e-mail headers, script)" aria-label="Evidence text" value={content} onChange={(e) => setContent(e.target.value)} />
        <FormError error={error} />
        <p className="faint text-sm">Text is hashed (SHA-256) when attached and mined for observables. The raw events of the case's alerts are evidence too: they are kept as long as the alert is in a case, and every report carries them.</p>
      </form>
      {(list.data ?? []).length === 0 ? (
        <p className="faint case-empty">Nothing attached yet.</p>
      ) : (
        <table className="case-table" data-testid="case-evidence">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col" className="num">
                Size
              </th>
              <th scope="col">SHA-256</th>
              <th scope="col">Added</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.data!.map((ev) => (
              <tr key={ev.id}>
                <td>
                  <button type="button" className="link-button" onClick={() => void show(ev)}>
                    {ev.name}
                  </button>
                  {ev.description ? <div className="faint text-sm">{ev.description}</div> : null}
                </td>
                <td className="num">{formatBytes(ev.size)}</td>
                <td className="mono case-hash">{ev.sha256}</td>
                <td>
                  {ev.added_by} · <span title={utcTitle(ev.added_at)}>{formatLocalTime(ev.added_at)}</span>
                </td>
                <td>
                  <button type="button" className="icon-button small" aria-label={`Remove ${ev.name}`} onClick={() => void remove(ev)}>
                    <Trash2 size={12} aria-hidden="true" />
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {shown ? (
        <section className="case-panel" aria-label={shown.name}>
          <h2>
            {shown.name} <span className="faint text-sm mono">{shown.sha256}</span>
          </h2>
          <pre className="case-raw">{shown.content}</pre>
        </section>
      ) : null}
    </div>
  );
}
