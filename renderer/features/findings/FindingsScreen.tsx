import '../sources/sources.css';
import './findings.css';
import { BriefcaseBusiness, Bug, Search, X } from 'lucide-react';
import { useEffect, useState } from 'react';
import type { FindingStatus } from '../../../main/contract/findings.js';
import type { Severity } from '../../../main/contract/alerts.js';
import { alertsHref } from '../../app/router.js';
import { SeverityBadge } from '../../components/badges.js';
import { EmptyState } from '../../components/EmptyState.js';
import { LoadFailed } from '../../components/LoadFailed.js';
import { SEVERITY_LABEL, SEVERITY_ORDER } from '../../lib/domain.js';
import { formatCount, formatLocalFull, formatLocalTime, utcTitle } from '../../lib/format.js';
import { toastFailure, toastSuccess } from '../../stores/toasts.js';
import { PAGE, useFindings } from './store.js';
import { LinkToCaseDialog } from './LinkToCaseDialog.js';

export const FINDING_STATUS_LABEL: Record<FindingStatus, string> = {
  open: 'Open',
  accepted_risk: 'Accepted risk',
  false_positive: 'False positive',
  fixed: 'Fixed',
};
const SOURCE_LABEL = { gvm: 'Greenbone', zap: 'ZAP', spiderfoot: 'SpiderFoot' } as const;
const STATUSES = Object.keys(FINDING_STATUS_LABEL) as FindingStatus[];

/** A filter from the hash (#/findings?scan=12, #/findings?host=10.0.0.5), read when the screen opens. */
function filterFromHash(): { scan_id?: number; host?: string; status?: [] } | null {
  const q = new URLSearchParams(window.location.hash.split('?')[1] ?? '');
  const n = Number(q.get('scan'));
  const host = q.get('host')?.trim().slice(0, 255);
  if (Number.isInteger(n) && n > 0) return { scan_id: n, status: [] };
  if (host) return { host };
  return null;
}

function Detail() {
  const open = useFindings((s) => s.open);
  const [linking, setLinking] = useState(false);
  if (!open) return null;
  const f = open.finding;
  const mark = async (status: 'open' | 'accepted_risk' | 'false_positive') => {
    try {
      await useFindings.getState().setStatus([f.id], status);
      toastSuccess(`Finding #${f.id}: ${FINDING_STATUS_LABEL[status]}`);
    } catch (err) {
      toastFailure(err);
    }
  };
  return (
    <aside className="finding-detail" aria-label={`Finding ${f.id}`} data-testid="finding-detail">
      <header>
        <h2 className="subhead">{f.title}</h2>
        <button type="button" className="icon-button small" aria-label="Close" onClick={() => void useFindings.getState().show(null)}>
          <X size={14} aria-hidden="true" />
        </button>
      </header>
      <p>
        <SeverityBadge severity={f.severity} /> <span className="faint">{SOURCE_LABEL[f.source]} {f.severity_raw}</span> ·{' '}
        <span data-testid="finding-status">{FINDING_STATUS_LABEL[f.status]}</span>
      </p>
      <dl className="finding-facts">
        <dt>Where</dt>
        <dd className="mono">{f.url ?? `${f.host ?? '-'}${f.port !== null ? `:${f.port}` : ''}`}</dd>
        <dt>CVE / CWE</dt>
        <dd className="mono">{[...f.cves, f.cwe_id ? `CWE-${f.cwe_id}` : ''].filter(Boolean).join(' ') || '-'}</dd>
        <dt>CVSS</dt>
        <dd>{f.cvss ?? '-'}</dd>
        <dt>{f.source === 'zap' ? 'Confidence' : 'QoD / confidence'}</dt>
        <dd>{f.confidence ?? f.confidence_score ?? '-'}</dd>
        <dt>Seen</dt>
        <dd>
          {formatLocalFull(f.first_seen)} → {formatLocalFull(f.last_seen)} · scans {open.scan_ids.map((id) => `#${id}`).join(', ')}
        </dd>
        <dt>Rule</dt>
        <dd className="mono">{f.rule_id}</dd>
      </dl>
      {f.host ? (
        <p>
          <a href={alertsHref({ host: f.host })} data-testid="finding-host-alerts">
            Recent alerts on {f.host}
          </a>
        </p>
      ) : null}
      {f.evidence ? (
        <>
          <h3>Evidence</h3>
          <pre className="finding-pre">{f.evidence}</pre>
        </>
      ) : null}
      {open.description ? (
        <>
          <h3>Description</h3>
          <p className="finding-text">{open.description}</p>
        </>
      ) : null}
      {f.solution ? (
        <>
          <h3>Solution</h3>
          <p className="finding-text">{f.solution}</p>
        </>
      ) : null}
      <div className="finding-actions">
        {f.status !== 'false_positive' ? (
          <button type="button" className="button small" onClick={() => void mark('false_positive')} data-testid="mark-false-positive">
            False positive
          </button>
        ) : null}
        {f.status !== 'accepted_risk' ? (
          <button type="button" className="button small" onClick={() => void mark('accepted_risk')}>
            Accept risk
          </button>
        ) : null}
        {f.status !== 'open' ? (
          <button type="button" className="button small ghost" onClick={() => void mark('open')}>
            Reopen
          </button>
        ) : null}
        <button type="button" className="button small" onClick={() => setLinking(true)} data-testid="link-to-case">
          <BriefcaseBusiness size={13} aria-hidden="true" />
          Link to case…
        </button>
      </div>
      {linking ? <LinkToCaseDialog ids={[f.id]} onClose={() => setLinking(false)} /> : null}
      <h3>History</h3>
      {open.history.length === 0 ? (
        <p className="faint">No changes yet.</p>
      ) : (
        <ol className="finding-history">
          {open.history.map((h) => (
            <li key={h.id}>
              <time title={utcTitle(h.ts)}>{formatLocalTime(h.ts)}</time> {h.actor}: {h.action.replace('finding.', '')}{' '}
              {typeof h.details['to'] === 'string' ? `→ ${FINDING_STATUS_LABEL[h.details['to'] as FindingStatus]}` : ''}
              {typeof h.details['note'] === 'string' ? ` (${h.details['note']})` : ''}
            </li>
          ))}
        </ol>
      )}
    </aside>
  );
}

export function FindingsScreen() {
  const { items, total, offset, status, error, filter, selected, open } = useFindings();
  const [text, setText] = useState(filter.text ?? '');
  const [linkingSelected, setLinkingSelected] = useState(false);

  useEffect(() => {
    void useFindings.getState().setFilter(filterFromHash() ?? {});
  }, []);
  useEffect(() => {
    const t = setTimeout(() => {
      if ((useFindings.getState().filter.text ?? '') !== text) void useFindings.getState().setFilter({ text });
    }, 250);
    return () => clearTimeout(t);
  }, [text]);

  const pick = <T extends string>(value: string): T[] => (value ? [value as T] : []);
  const bulk = async (s: 'open' | 'accepted_risk' | 'false_positive') => {
    try {
      const n = await useFindings.getState().setStatus([...selected], s);
      toastSuccess(`${n} finding(s): ${FINDING_STATUS_LABEL[s]}`);
    } catch (err) {
      toastFailure(err);
    }
  };

  return (
    <section className="screen" aria-labelledby="findings-title">
      <header className="screen-header">
        <h1 id="findings-title" className="screen-title" tabIndex={-1}>
          Findings
        </h1>
        <span className="faint">{formatCount(total)} match</span>
      </header>
      <div className="findings-filters" role="search">
        <label>
          <span className="visually-hidden">Status</span>
          <select className="ui-input" value={filter.status?.[0] ?? ''} onChange={(e) => void useFindings.getState().setFilter({ status: pick<FindingStatus>(e.target.value) })} data-testid="filter-status">
            <option value="">Any status</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {FINDING_STATUS_LABEL[s]}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span className="visually-hidden">Severity</span>
          <select className="ui-input" value={filter.severity?.[0] ?? ''} onChange={(e) => void useFindings.getState().setFilter({ severity: pick<Severity>(e.target.value) })}>
            <option value="">Any severity</option>
            {SEVERITY_ORDER.map((s) => (
              <option key={s} value={s}>
                {SEVERITY_LABEL[s]}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span className="visually-hidden">Tool</span>
          <select className="ui-input" value={filter.source?.[0] ?? ''} onChange={(e) => void useFindings.getState().setFilter({ source: pick<'gvm' | 'zap' | 'spiderfoot'>(e.target.value) })}>
            <option value="">Any tool</option>
            {Object.entries(SOURCE_LABEL).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </select>
        </label>
        <label className="findings-search">
          <Search size={14} aria-hidden="true" />
          <span className="visually-hidden">Search</span>
          <input className="ui-input" value={text} onChange={(e) => setText(e.target.value)} placeholder="Title, host, URL, CVE, rule…" data-testid="findings-search" />
        </label>
        {filter.host ? (
          <button type="button" className="button small ghost" onClick={() => void useFindings.getState().setFilter({ host: undefined })}>
            Host {filter.host} <X size={12} aria-hidden="true" />
          </button>
        ) : null}
        {filter.scan_id ? (
          <button type="button" className="button small ghost" onClick={() => void useFindings.getState().setFilter({ scan_id: undefined })}>
            Scan #{filter.scan_id} <X size={12} aria-hidden="true" />
          </button>
        ) : null}
        <span className="header-spacer" />
        {selected.size ? (
          <>
            <span className="faint">{selected.size} selected</span>
            <button type="button" className="button small" onClick={() => void bulk('false_positive')}>
              False positive
            </button>
            <button type="button" className="button small" onClick={() => void bulk('accepted_risk')}>
              Accept risk
            </button>
            <button type="button" className="button small ghost" onClick={() => void bulk('open')}>
              Reopen
            </button>
            <button type="button" className="button small" onClick={() => setLinkingSelected(true)}>
              <BriefcaseBusiness size={13} aria-hidden="true" />
              Link to case…
            </button>
            {linkingSelected ? <LinkToCaseDialog ids={[...selected]} onClose={() => setLinkingSelected(false)} /> : null}
          </>
        ) : null}
      </div>
      <div className={`findings-body${open ? ' has-detail' : ''}`}>
        {status === 'error' ? (
          <LoadFailed title="Findings could not be loaded" message={error ?? ''} onRetry={() => void useFindings.getState().load()} />
        ) : status === 'ready' && items.length === 0 ? (
          <EmptyState icon={<Bug size={28} />} title="No findings match">
            Scans import their results here when they end. Change the filters, or start a scan under Scans.
          </EmptyState>
        ) : (
          <div className="table-wrap">
            <table className="data-table findings-table" data-testid="findings-table">
              <thead>
                <tr>
                  <th>
                    <span className="visually-hidden">Select</span>
                  </th>
                  <th>Severity</th>
                  <th>Status</th>
                  <th>Tool</th>
                  <th>Host</th>
                  <th>Port / URL</th>
                  <th>CVE / CWE</th>
                  <th className="r">CVSS</th>
                  <th>Title</th>
                  <th>Last seen</th>
                </tr>
              </thead>
              <tbody>
                {items.map((f) => (
                  <tr key={f.id} aria-selected={open?.finding.id === f.id} onClick={() => void useFindings.getState().show(f.id)} data-testid={`finding-row-${f.id}`}>
                    <td onClick={(e) => e.stopPropagation()}>
                      <input type="checkbox" aria-label={`Select finding ${f.id}`} checked={selected.has(f.id)} onChange={() => useFindings.getState().toggle(f.id)} />
                    </td>
                    <td>
                      <SeverityBadge severity={f.severity} />
                    </td>
                    <td className={`finding-status finding-status-${f.status}`}>{FINDING_STATUS_LABEL[f.status]}</td>
                    <td>{SOURCE_LABEL[f.source]}</td>
                    <td className="mono">{f.host ?? '-'}</td>
                    <td title={f.url ?? ''}>
                      <span className="mono ellipsis finding-clip">{f.url ?? (f.port !== null ? String(f.port) : '-')}</span>
                    </td>
                    <td className="mono">{[...f.cves.slice(0, 2), f.cwe_id ? `CWE-${f.cwe_id}` : ''].filter(Boolean).join(' ') || '-'}</td>
                    <td className="num r">{f.cvss ?? ''}</td>
                    <td title={f.title}>
                      <span className="ellipsis finding-clip">{f.title}</span>
                    </td>
                    <td title={utcTitle(f.last_seen)}>{formatLocalTime(f.last_seen)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {total > PAGE ? (
              <div className="findings-pager">
                <button type="button" className="button small ghost" disabled={offset === 0} onClick={() => void useFindings.getState().load(Math.max(0, offset - PAGE))}>
                  Previous
                </button>
                <span className="faint">
                  {formatCount(offset + 1)}–{formatCount(Math.min(total, offset + PAGE))} of {formatCount(total)}
                </span>
                <button type="button" className="button small ghost" disabled={offset + PAGE >= total} onClick={() => void useFindings.getState().load(offset + PAGE)}>
                  Next
                </button>
              </div>
            ) : null}
          </div>
        )}
        <Detail />
      </div>
    </section>
  );
}
