import { ArrowLeft, FileText, GitMerge, Keyboard, Pencil, Play, RotateCcw, SquareCheck } from 'lucide-react';
import { useEffect, useState } from 'react';
import type { CaseDetail as Detail } from '../../../main/contract/cases.js';
import { api, errorMessage } from '../../api/index.js';
import { SeverityBadge } from '../../components/badges.js';
import { EmptyState } from '../../components/EmptyState.js';
import { CASE_TABS, casesHref, navigate, type CaseTab } from '../../app/router.js';
import { formatLocalFull, utcTitle } from '../../lib/format.js';
import { toastError } from '../../stores/toasts.js';
import { CaseStatusBadge } from './CaseList.js';
import { CasesHelp } from './CasesHelp.js';
import { CaseFormDialog, CloseCaseDialog, MergeDialog, ReportDialog } from './dialogs.js';
import { useKeys } from './keys.js';
import { TLP_LABEL, useCases } from './store.js';
import { AlertsTab, EvidenceTab, NotesTab, ObservablesTab, SummaryTab, TimelineTab } from './tabs.js';
import { FindingsTab, PlaybookRunsTab, RecordsTab } from './LinkedTabs.js';

const TAB_LABEL: Record<CaseTab, string> = {
  summary: 'Summary',
  alerts: 'Alerts',
  observables: 'Observables',
  timeline: 'Timeline',
  notes: 'Notes',
  evidence: 'Evidence',
  records: 'Records',
  findings: 'Findings',
  playbooks: 'Playbook runs',
};

function tabCount(c: Detail, tab: CaseTab): number | null {
  switch (tab) {
    case 'alerts':
      return c.alert_count;
    case 'observables':
      return c.observable_count;
    case 'notes':
      return c.note_count;
    case 'evidence':
      return c.evidence_count;
    case 'records':
      return c.record_count;
    case 'findings':
      return c.finding_count;
    default:
      return null;
  }
}

type DialogKind = 'edit' | 'close' | 'merge' | 'report' | 'help' | null;

async function setStatus(c: Detail, status: 'open' | 'in_progress'): Promise<void> {
  try {
    useCases.getState().setDetail(await api.call('cases.setStatus', { id: c.id, status }));
  } catch (err) {
    toastError(`Could not change case #${c.id}: ${errorMessage(err)}`);
  }
}

/** One case: header with its actions, and the tabs. */
export function CaseDetailView({ caseId, tab }: { caseId: number; tab: CaseTab }) {
  const c = useCases((s) => (s.detail?.id === caseId ? s.detail : null));
  const error = useCases((s) => s.detailError);
  const [dialog, setDialog] = useState<DialogKind>(null);

  useEffect(() => {
    void useCases.getState().open(caseId);
  }, [caseId]);

  useKeys((e) => {
    if (!c) return false;
    const n = Number(e.key);
    if (n >= 1 && n <= CASE_TABS.length) {
      navigate(casesHref(c.id, CASE_TABS[n - 1]));
      return true;
    }
    switch (e.key) {
      case 'Escape':
        navigate(casesHref());
        return true;
      case 'c':
        if (c.status !== 'closed') setDialog('close');
        return true;
      case 's':
        if (c.status === 'open') void setStatus(c, 'in_progress');
        return true;
      case 'e':
        setDialog('edit');
        return true;
      case 'p':
        setDialog('report');
        return true;
      case '?':
        setDialog('help');
        return true;
      default:
        return false;
    }
  });

  if (error && !c) {
    return (
      <div className="screen">
        <EmptyState
          tone="error"
          role="alert"
          icon={<FileText size={28} />}
          title={`Case #${caseId} could not be opened`}
          actions={
            <a className="button" href={casesHref()}>
              Back to the cases
            </a>
          }
        >
          <p>{error}</p>
        </EmptyState>
      </div>
    );
  }
  if (!c) return <div className="screen case-loading" aria-busy="true" />;

  return (
    <div className="screen case-screen">
      <div className="screen-header case-head">
        <a className="icon-button" href={casesHref()} aria-label="Back to the cases" title="Back to the cases (Esc)">
          <ArrowLeft size={16} aria-hidden="true" />
        </a>
        <div className="case-titles">
          <h1 tabIndex={-1}>
            <span className="faint mono">#{c.id}</span> {c.title}
          </h1>
          <div className="case-meta">
            <SeverityBadge severity={c.severity} />
            <CaseStatusBadge status={c.status} resolution={c.resolution} />
            <span className={`tlp tlp-${c.tlp.replace('+', '-')}`}>{TLP_LABEL[c.tlp]}</span>
            <span className="faint">{c.assignee ? `Assigned to ${c.assignee}` : 'Unassigned'}</span>
            <span className="faint" title={utcTitle(c.created_at)}>
              Opened {formatLocalFull(c.created_at)} by {c.created_by}
            </span>
            {c.merged_into ? (
              <a href={casesHref(c.merged_into)} className="case-merged">
                Merged into #{c.merged_into}
              </a>
            ) : null}
          </div>
        </div>
        <div className="header-spacer" />
        <div className="case-actions">
          {c.status === 'open' ? (
            <button type="button" className="button" onClick={() => void setStatus(c, 'in_progress')} aria-keyshortcuts="s">
              <Play size={13} aria-hidden="true" /> Start
            </button>
          ) : null}
          {c.status !== 'closed' ? (
            <button type="button" className="button" onClick={() => setDialog('close')} aria-keyshortcuts="c" data-testid="close-case-button">
              <SquareCheck size={13} aria-hidden="true" /> Close…
            </button>
          ) : c.merged_into === null ? (
            <button type="button" className="button" onClick={() => void setStatus(c, 'in_progress')}>
              <RotateCcw size={13} aria-hidden="true" /> Reopen
            </button>
          ) : null}
          <button type="button" className="button" onClick={() => setDialog('report')} aria-keyshortcuts="p" data-testid="report-button">
            <FileText size={13} aria-hidden="true" /> Report…
          </button>
          <button type="button" className="icon-button" onClick={() => setDialog('edit')} aria-label="Edit the case" title="Edit (e)">
            <Pencil size={14} aria-hidden="true" />
          </button>
          {c.status !== 'closed' ? (
            <button type="button" className="icon-button" onClick={() => setDialog('merge')} aria-label="Merge into another case" title="Merge into another case">
              <GitMerge size={14} aria-hidden="true" />
            </button>
          ) : null}
          <button type="button" className="icon-button" onClick={() => setDialog('help')} aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)">
            <Keyboard size={15} aria-hidden="true" />
          </button>
        </div>
      </div>

      <div className="case-tabs" role="tablist" aria-label="Case sections">
        {CASE_TABS.map((t, i) => {
          const n = tabCount(c, t);
          return (
            <a
              key={t}
              role="tab"
              href={casesHref(c.id, t)}
              aria-selected={tab === t}
              className="case-tab"
              aria-keyshortcuts={String(i + 1)}
              data-testid={`tab-${t}`}
            >
              {TAB_LABEL[t]}
              {n !== null ? <span className="case-tab-count">{n.toLocaleString()}</span> : null}
            </a>
          );
        })}
      </div>

      <div className="case-tab-body" role="tabpanel" aria-label={TAB_LABEL[tab]}>
        {tab === 'summary' ? <SummaryTab c={c} /> : null}
        {tab === 'alerts' ? <AlertsTab c={c} /> : null}
        {tab === 'observables' ? <ObservablesTab c={c} /> : null}
        {tab === 'timeline' ? <TimelineTab c={c} /> : null}
        {tab === 'notes' ? <NotesTab c={c} /> : null}
        {tab === 'evidence' ? <EvidenceTab c={c} /> : null}
        {tab === 'records' ? <RecordsTab c={c} /> : null}
        {tab === 'findings' ? <FindingsTab c={c} /> : null}
        {tab === 'playbooks' ? <PlaybookRunsTab c={c} /> : null}
      </div>

      {dialog === 'edit' ? <CaseFormDialog edit={c} onClose={() => setDialog(null)} /> : null}
      {dialog === 'close' ? <CloseCaseDialog c={c} onClose={() => setDialog(null)} /> : null}
      {dialog === 'merge' ? <MergeDialog c={c} onClose={() => setDialog(null)} /> : null}
      {dialog === 'report' ? <ReportDialog c={c} onClose={() => setDialog(null)} /> : null}
      {dialog === 'help' ? <CasesHelp onClose={() => setDialog(null)} /> : null}
    </div>
  );
}
