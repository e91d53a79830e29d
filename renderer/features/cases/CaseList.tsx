import { BriefcaseBusiness, FileText, FunnelX, Plus, RefreshCw, Search } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import type { CaseStatus } from '../../../main/contract/cases.js';
import type { Severity } from '../../../main/contract/alerts.js';
import { SeverityBadge } from '../../components/badges.js';
import { EmptyState } from '../../components/EmptyState.js';
import { formatCount, formatLocalTime, utcTitle } from '../../lib/format.js';
import { SEVERITY_LABEL, SEVERITY_ORDER } from '../../lib/domain.js';
import { casesHref, navigate } from '../../app/router.js';
import { CASE_STATUS_LABEL, RESOLUTION_LABEL, useCases } from './store.js';
import { useKeys, useRowCursor } from './keys.js';
import { CaseFormDialog, ReportDialog } from './dialogs.js';
import { CasesHelp } from './CasesHelp.js';

const STATUSES: CaseStatus[] = ['open', 'in_progress', 'closed'];

export function CaseStatusBadge({ status, resolution }: { status: CaseStatus; resolution: keyof typeof RESOLUTION_LABEL | null }) {
  return (
    <span className={`case-status case-status-${status}`}>
      <span className="status-dot" aria-hidden="true" />
      {CASE_STATUS_LABEL[status]}
      {resolution ? <span className="case-resolution"> · {RESOLUTION_LABEL[resolution]}</span> : null}
    </span>
  );
}

/** The case list: filters, a keyboard-driven table, "New case". */
export function CaseList() {
  const { items, total, loading, loaded, error, filter, cursor, next } = useCases();
  const search = useRef<HTMLInputElement>(null);
  const [text, setText] = useState(filter.text ?? '');
  const [creating, setCreating] = useState(false);
  const [help, setHelp] = useState(false);
  const [reporting, setReporting] = useState(false);
  const { move, rowProps, rows } = useRowCursor(items.length, cursor, (i) => useCases.setState({ cursor: i }));

  useEffect(() => {
    if (!useCases.getState().loaded) void useCases.getState().reload();
  }, []);

  useEffect(() => {
    const t = setTimeout(() => {
      if ((useCases.getState().filter.text ?? '') !== text) useCases.getState().setFilter({ text });
    }, 250);
    return () => clearTimeout(t);
  }, [text]);

  useEffect(() => rows.current[cursor]?.scrollIntoView({ block: 'nearest' }), [cursor, rows]);

  useKeys((e) => {
    const s = useCases.getState();
    switch (e.key) {
      case 'j':
      case 'ArrowDown':
        move(1);
        return true;
      case 'k':
      case 'ArrowUp':
        move(-1);
        return true;
      case 'Enter': {
        const c = s.items[s.cursor];
        if (!c || (e.target instanceof HTMLElement && e.target.closest('button, a[href]'))) return false;
        navigate(casesHref(c.id));
        return true;
      }
      case 'n':
        setCreating(true);
        return true;
      case '/':
        search.current?.focus();
        search.current?.select();
        return true;
      case '?':
        setHelp(true);
        return true;
      case 'p':
        setReporting(true);
        return true;
      default:
        return false;
    }
  });

  const toggleStatus = (st: CaseStatus) => {
    const cur = filter.status ?? [];
    useCases.getState().setFilter({ status: cur.includes(st) ? cur.filter((x) => x !== st) : [...cur, st] });
  };

  return (
    <div className="screen cases-screen">
      <div className="screen-header">
        <div className="screen-title">
          <h1 tabIndex={-1}>Cases</h1>
          <p className="screen-lede">Incidents with their alerts, observables, evidence, notes and timeline. Escalate alerts from the Alerts screen (key e).</p>
        </div>
        <div className="header-spacer" />
        <button type="button" className="icon-button" aria-label="Refresh cases" title="Refresh cases" onClick={() => void useCases.getState().reload()}>
          <RefreshCw size={15} aria-hidden="true" />
        </button>
        <button type="button" className="button" onClick={() => setReporting(true)} aria-keyshortcuts="p">
          <FileText size={14} aria-hidden="true" />
          Summary report…
        </button>
        <button type="button" className="button primary" onClick={() => setCreating(true)} aria-keyshortcuts="n" data-testid="new-case">
          <Plus size={14} aria-hidden="true" />
          New case
        </button>
      </div>

      <div className="case-filters" role="group" aria-label="Filter cases">
        <div className="case-chips" role="group" aria-label="Status">
          {STATUSES.map((st) => (
            <button key={st} type="button" className="chip" aria-pressed={(filter.status ?? []).includes(st)} onClick={() => toggleStatus(st)}>
              {CASE_STATUS_LABEL[st]}
            </button>
          ))}
        </div>
        <label className="case-select">
          <span className="visually-hidden">Severity</span>
          <select
            className="ui-input"
            value={filter.severity?.[0] ?? ''}
            onChange={(e) => useCases.getState().setFilter({ severity: e.target.value ? [e.target.value as Severity] : [] })}
          >
            <option value="">Any severity</option>
            {SEVERITY_ORDER.map((s) => (
              <option key={s} value={s}>
                {SEVERITY_LABEL[s]}
              </option>
            ))}
          </select>
        </label>
        <div className="case-search">
          <Search size={14} aria-hidden="true" />
          <input
            ref={search}
            className="ui-input"
            type="search"
            placeholder="Search title, description or #id  ( / )"
            aria-label="Search cases"
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        </div>
        <span className="faint text-sm" aria-live="polite">
          {total === null ? '' : `${formatCount(total)} ${total === 1 ? 'case' : 'cases'}`}
        </span>
      </div>

      {error && items.length === 0 ? (
        <EmptyState tone="error" role="alert" icon={<FunnelX size={28} />} title="Could not load cases">
          <p>{error}</p>
        </EmptyState>
      ) : loaded && items.length === 0 ? (
        <EmptyState
          icon={<BriefcaseBusiness size={28} />}
          title={filter.text || filter.severity || (filter.status && filter.status.length < 3) ? 'No case matches' : 'No cases yet'}
          actions={
            <button type="button" className="button primary" onClick={() => setCreating(true)}>
              <Plus size={14} aria-hidden="true" /> New case
            </button>
          }
        >
          <p>Select alerts on the Alerts screen and press e to escalate them into a case, or start an empty one.</p>
        </EmptyState>
      ) : (
        <div className="case-table-wrap">
          <table className="case-table" data-testid="case-table">
            <thead>
              <tr>
                <th scope="col" className="num">
                  #
                </th>
                <th scope="col">Severity</th>
                <th scope="col">Title</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  Alerts
                </th>
                <th scope="col" className="num">
                  IOCs
                </th>
                <th scope="col">Assignee</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {items.map((c, i) => (
                <tr key={c.id} {...rowProps(i)} aria-selected={i === cursor} onClick={() => navigate(casesHref(c.id))} data-testid="case-row">
                  <td className="num mono">{c.id}</td>
                  <td>
                    <SeverityBadge severity={c.severity} />
                  </td>
                  <td className="case-title-cell">
                    <a href={casesHref(c.id)} onClick={(e) => e.stopPropagation()}>
                      {c.title}
                    </a>
                    {c.tags.length ? <span className="case-tags">{c.tags.map((t) => <span key={t} className="tag">{t}</span>)}</span> : null}
                  </td>
                  <td>
                    <CaseStatusBadge status={c.status} resolution={c.resolution} />
                  </td>
                  <td className="num">{formatCount(c.alert_count)}</td>
                  <td className="num">{c.ioc_count ? <span className="ioc-count">{formatCount(c.ioc_count)}</span> : '0'}</td>
                  <td>{c.assignee ?? <span className="faint">—</span>}</td>
                  <td title={utcTitle(c.updated_at)}>{formatLocalTime(c.updated_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {next ? (
            <button type="button" className="button small case-more" disabled={loading} onClick={() => void useCases.getState().loadMore()}>
              Load more
            </button>
          ) : null}
        </div>
      )}
      <p className="key-hints" aria-hidden="true">
        <span>
          <kbd>j</kbd>
          <kbd>k</kbd> move
        </span>
        <span>
          <kbd>Enter</kbd> open
        </span>
        <span>
          <kbd>n</kbd> new case
        </span>
        <span>
          <kbd>/</kbd> search
        </span>
        <span>
          <kbd>?</kbd> all shortcuts
        </span>
      </p>
      {creating ? <CaseFormDialog onClose={() => setCreating(false)} /> : null}
      {help ? <CasesHelp onClose={() => setHelp(false)} /> : null}
      {reporting ? <ReportDialog onClose={() => setReporting(false)} /> : null}
    </div>
  );
}
