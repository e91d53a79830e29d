import { ArrowUp, FunnelX, Keyboard, RefreshCw, ShieldCheck, TriangleAlert } from 'lucide-react';
import { useEffect, useRef, type RefObject } from 'react';
import type { Alert, AlertStatus } from '../../../main/contract/alerts.js';
import { modalOpen } from '../../components/Dialog.js';
import { EmptyState } from '../../components/EmptyState.js';
import { formatCount } from '../../lib/format.js';
import { currentViewHref, isFilterActive, useAlerts, viewFromQuery, viewQuery } from '../../stores/alerts.js';
import { navigate, parseHash, replaceHash } from '../../app/router.js';
import { useJobs } from '../../stores/jobs.js';
import { useToasts } from '../../stores/toasts.js';
import { setRevealer, useTriage } from '../../stores/triage.js';
import { AlertDetailPanel } from '../alert-detail/AlertDetailPanel.js';
import { useAlertDetail } from '../alert-detail/store.js';
import { AlertsGrid, SkeletonGrid, type AlertsGridHandle } from './AlertsGrid.js';
import { COMPACT_COLUMNS, type ColumnKey } from './columns.js';
import { ColumnsMenu, useColumns } from './ColumnsMenu.js';
import { ExportMenu } from './ExportMenu.js';
import { FilterBar } from './FilterBar.js';
import { SavedFiltersMenu } from './SavedFilters.js';
import { SelectionBar } from './SelectionBar.js';
import { TriageDialogs } from './TriageDialogs.js';

function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'INPUT') {
    const type = (target as HTMLInputElement).type;
    return type !== 'checkbox' && type !== 'radio' && type !== 'button';
  }
  return tag === 'TEXTAREA' || tag === 'SELECT';
}

/** Elements that own Enter / Space themselves. */
function isControl(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && target.closest('button, a[href], summary, [role="button"], [role="option"]') !== null;
}

/** Opens an alert's detail, keeping the view (filters, sort) in the hash. */
function openDetail(id: number, replace = false): void {
  const hash = currentViewHref(id);
  if (window.location.hash === hash) return;
  if (replace) replaceHash(hash);
  else navigate(hash);
}

function closeDetail(): void {
  navigate(currentViewHref());
}

/**
 * The alert whose detail the address shows. Navigation changes the hash at once, the screen's
 * props a render later: a key pressed right after Esc must already act on the list.
 */
function detailInHash(): number | null {
  const route = parseHash(window.location.hash);
  return route?.name === 'alerts' ? route.alertId : null;
}

/**
 * Screen-wide triage keys: no modifiers, ignored while typing in a field or while a dialog is
 * open. The target is the alert shown in the detail; in the list, the selection when rows are
 * selected (never the cursor row then), else the cursor row.
 *   j / k move · Enter open · Esc close · a ack (A: with a note) · i investigating (I: with a
 *   note) · r resolve · f false positive · s suppress · n note · x select · e escalate to a case · / search · ? cheat sheet
 */
function useTriageKeys(grid: RefObject<AlertsGridHandle | null>, search: RefObject<HTMLInputElement | null>) {
  useEffect(() => {
    const move = (delta: number) => {
      const s = useAlerts.getState();
      const idx = s.moveSelection(delta);
      if (idx === null) return;
      const inDetail = detailInHash() !== null;
      grid.current?.revealIndex(idx, !inDetail);
      const id = useAlerts.getState().selectedId;
      if (inDetail && id !== null) openDetail(id, true);
    };

    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || isEditable(e.target)) return;
      if (useTriage.getState().dialog || modalOpen()) return;
      if (e.target instanceof HTMLElement && e.target.closest('.ui-popover')) return; // menus keep their keys
      const s = useAlerts.getState();
      const detailId = detailInHash();
      const inDetail = detailId !== null;
      const target = (): Alert | undefined => {
        if (inDetail) {
          const d = useAlertDetail.getState().detail;
          if (d && d.alert.id === detailId) return d.alert;
          // the detail opens on the link's id before its data arrives: the list's copy serves meanwhile
          return detailId === null ? undefined : s.findAlert(detailId);
        }
        return s.selectedId === null ? undefined : s.findAlert(s.selectedId);
      };
      const t = useTriage.getState();
      const act = (fn: (a: Alert) => void) => {
        const a = target();
        e.preventDefault();
        if (a) fn(a);
        else if (!inDetail) move(0);
        else useToasts.getState().push('info', `Alert #${detailId} is still loading: press ${e.key} again in a moment`);
      };
      // with rows selected, the action keys act on the selection, never on the cursor row
      const selection = inDetail ? null : t.selectionTarget();
      const status = (st: AlertStatus, withNote = false) => {
        if (selection) {
          e.preventDefault();
          if (withNote) t.openDialog({ kind: 'bulk', status: st, target: selection });
          else t.requestBulk(selection, st);
          return;
        }
        act((a) => t.requestStatus(a, st, { withNote, advance: !inDetail }));
      };

      switch (e.key) {
        case 'j':
        case 'k':
          e.preventDefault();
          move(e.key === 'j' ? 1 : -1);
          return;
        case 'Enter': {
          if (isControl(e.target) || inDetail) return;
          const a = target();
          if (a) {
            e.preventDefault();
            openDetail(a.id);
          }
          return;
        }
        case 'Escape':
          if (inDetail) {
            e.preventDefault();
            closeDetail();
          } else if (s.checked.size > 0 || s.matchAll) {
            e.preventDefault();
            s.clearChecked();
          }
          return;
        case 'a':
        case 'A':
          status('ACKNOWLEDGED', e.key === 'A');
          return;
        case 'i':
        case 'I':
          status('INVESTIGATING', e.key === 'I');
          return;
        case 'r':
        case 'R':
          status('RESOLVED');
          return;
        case 'f':
        case 'F':
          status('FALSE_POSITIVE');
          return;
        case 's':
        case 'S':
          if (selection) status('SUPPRESSED', true);
          else act((a) => t.openDialog({ kind: 'suppress', alert: a, advance: !inDetail }));
          return;
        case 'n':
        case 'N':
          if (selection) {
            e.preventDefault();
            useToasts.getState().push('info', 'A note goes on one alert: open it (Enter), or clear the selection (Esc) first');
            return;
          }
          act((a) => t.openDialog({ kind: 'note', alert: a }));
          return;
        case 't':
          if (selection) {
            e.preventDefault();
            if (selection.kind === 'ids') t.openDialog({ kind: 'tag', ids: selection.ids });
            else useToasts.getState().push('info', 'Tags go on selected rows (up to 10,000), not on a whole filter');
            return;
          }
          act((a) => t.openDialog({ kind: 'tag', ids: [a.id] }));
          return;
        case 'x':
        case 'X':
          act((a) => s.toggleChecked(a.id, e.shiftKey));
          return;
        case 'e':
          // like the status keys: the selection in the list, else the cursor row or the shown alert
          if (selection) {
            e.preventDefault();
            t.requestEscalate(undefined);
          } else act((a) => t.requestEscalate(a));
          return;
        case '/':
          e.preventDefault();
          search.current?.focus();
          search.current?.select();
          return;
        case '?':
          e.preventDefault();
          t.openDialog({ kind: 'help' });
          return;
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [grid, search]);
}

function NewAlertsPill({ onShow }: { onShow: () => void }) {
  const pendingNew = useAlerts((s) => s.pendingNew);
  const stale = useAlerts((s) => s.stale);
  if (pendingNew === 0 && !stale) return null;
  const label = pendingNew > 0 ? `${formatCount(pendingNew)} new — show` : 'Updated — show';
  return (
    <button type="button" className="new-pill" onClick={onShow} data-testid="new-alerts-pill">
      <ArrowUp size={12} aria-hidden="true" />
      {label}
    </button>
  );
}

function KeyHints() {
  const hasRows = useAlerts((s) => s.items.length > 0);
  if (!hasRows) return null;
  return (
    <p className="key-hints" aria-hidden="true">
      <span>
        <kbd>j</kbd>
        <kbd>k</kbd> move
      </span>
      <span>
        <kbd>Enter</kbd> open
      </span>
      <span>
        <kbd>a</kbd> acknowledge
      </span>
      <span>
        <kbd>i</kbd> investigating
      </span>
      <span>
        <kbd>r</kbd> resolve
      </span>
      <span>
        <kbd>f</kbd> false positive
      </span>
      <span>
        <kbd>s</kbd> suppress
      </span>
      <span>
        <kbd>n</kbd> note
      </span>
      <span>
        <kbd>x</kbd> select
      </span>
      <span>
        <kbd>e</kbd> escalate
      </span>
      <span>
        <kbd>/</kbd> search
      </span>
      <span>
        <kbd>?</kbd> all shortcuts
      </span>
    </p>
  );
}

function AlertsBody({ grid, cols }: { grid: RefObject<AlertsGridHandle | null>; cols: readonly ColumnKey[] }) {
  const itemsLength = useAlerts((s) => s.items.length);
  const loading = useAlerts((s) => s.loading);
  const loaded = useAlerts((s) => s.loaded);
  const error = useAlerts((s) => s.error);
  const filter = useAlerts((s) => s.filter);
  const { reload, clearFilters } = useAlerts.getState();

  if (error && itemsLength === 0 && loading === 'idle') {
    const bad = error.code === 'BAD_REQUEST';
    return (
      <EmptyState
        tone="error"
        role="alert"
        icon={<TriangleAlert size={28} />}
        title={bad ? 'The server refused this filter' : 'Could not load alerts'}
        actions={
          bad ? (
            <button type="button" className="button primary" onClick={clearFilters}>
              Clear filters
            </button>
          ) : (
            <button type="button" className="button primary" onClick={() => void reload()}>
              <RefreshCw size={14} aria-hidden="true" />
              Retry
            </button>
          )
        }
      >
        <p data-testid="alerts-error">{error.describe()}</p>
      </EmptyState>
    );
  }
  if (!loaded || (loading === 'initial' && itemsLength === 0)) return <SkeletonGrid cols={cols} />;
  if (itemsLength === 0) {
    if (isFilterActive(filter)) {
      return (
        <EmptyState
          icon={<FunnelX size={28} />}
          title="No alerts match these filters"
          actions={
            <button type="button" className="button primary" onClick={clearFilters}>
              Clear filters
            </button>
          }
        >
          <p>Try a wider time range, fewer severities or statuses, a wider CIDR block, or a different search.</p>
        </EmptyState>
      );
    }
    return (
      <EmptyState icon={<ShieldCheck size={28} />} title="No alerts yet">
        <p>
          Alerts appear here when Vigil ingests Suricata or Wazuh output, for example <code>vigil ingest --format eve eve.json</code>. New alerts show up
          live, no refresh needed.
        </p>
      </EmptyState>
    );
  }
  return <AlertsGrid handle={grid} refreshing={loading === 'initial'} cols={cols} />;
}

export interface AlertsScreenProps {
  /** #/alerts/:id — the alert whose detail is open. */
  alertId: number | null;
  /** The hash's query: the view (filters, range, sort) to show (#/alerts?severity=high,critical&sort=risk_score). */
  query: string;
}

/** The view the page's boot started loading (loadViewAtBoot), until the screen first shows it. */
let bootView: string | null = null;

/**
 * Starts loading the list a hash query names before the screen first renders: the page was
 * opened on the Alerts screen, and its first rows should not wait for the app's first render.
 * The screen then finds its view loaded (or loading) and does not ask again.
 */
export function loadViewAtBoot(query: string): Promise<void> {
  const want = viewFromQuery(query);
  const key = viewQuery(want);
  const s = useAlerts.getState();
  if (key !== viewQuery({ filter: s.filter, sort: s.sort })) s.applyView(want);
  else if (!s.loaded && s.loading === 'idle') void s.reload();
  bootView = key;
  // settles when the first page is in (or has failed)
  return new Promise<void>((resolve) => {
    const done = () => useAlerts.getState().loading !== 'initial';
    if (done()) return resolve();
    const off = useAlerts.subscribe(() => {
      if (!done()) return;
      off();
      resolve();
    });
  });
}

/**
 * The view lives in the hash: a hash the screen did not write (a link, a pasted URL, back /
 * forward) is applied to the list; a change made on the screen is written to the hash, as a new
 * history entry, except while typing a search (that replaces the entry).
 */
function useViewInHash(query: string, alertId: number | null): void {
  const written = useRef<string | null>(null);
  const lastWasText = useRef(false);
  const alertRef = useRef(alertId);
  alertRef.current = alertId;

  // hash → list (on the first visit, the list is loaded or brought up to date either way)
  const first = useRef(true);
  useEffect(() => {
    const want = viewFromQuery(query);
    const key = viewQuery(want);
    // the hash this screen just wrote comes back here: a search typed in steps goes on replacing
    // its entry; any other hash (a link, back / forward) starts afresh
    if (key !== written.current) lastWasText.current = false;
    written.current = key;
    const s = useAlerts.getState();
    if (key !== viewQuery({ filter: s.filter, sort: s.sort })) s.applyView(want);
    else if (first.current) {
      // a list the boot loaded for this very view is fresh: no second query
      if (!s.loaded && s.loading === 'idle') void s.reload();
      else if (s.loaded && bootView !== key) s.resync();
    }
    first.current = false;
    bootView = null;
  }, [query]);

  // list → hash
  useEffect(
    () =>
      useAlerts.subscribe((s, prev) => {
        if (s.filter === prev.filter && s.sort === prev.sort) return;
        const key = viewQuery({ filter: s.filter, sort: s.sort });
        if (key === written.current) return;
        written.current = key;
        const href = `#/alerts${alertRef.current !== null ? `/${alertRef.current}` : ''}${key ? `?${key}` : ''}`;
        // a search typed in steps is one history entry: the first step adds it, the next ones replace it
        const onlyText = s.sort === prev.sort && viewQuery({ filter: { ...s.filter, text: prev.filter.text }, sort: s.sort }) === viewQuery({ filter: prev.filter, sort: prev.sort });
        if (onlyText && lastWasText.current) replaceHash(href);
        else navigate(href);
        lastWasText.current = onlyText;
      }),
    [],
  );
}

export function AlertsScreen({ alertId, query }: AlertsScreenProps) {
  const grid = useRef<AlertsGridHandle>(null);
  const search = useRef<HTMLInputElement>(null);
  const columns = useColumns();
  const detailOpen = alertId !== null;
  useTriageKeys(grid, search);
  useViewInHash(query, alertId);

  useEffect(() => {
    useJobs.getState().listen();
    setRevealer((index, focus) => grid.current?.revealIndex(index, focus));
    useAlerts.getState().setAtTop(true); // a fresh grid starts at the top
    return () => setRevealer(null);
  }, []);

  // The route's alert becomes the cursor row (and is scrolled into view when loaded).
  useEffect(() => {
    if (alertId === null) return;
    const s = useAlerts.getState();
    s.select(alertId);
    const idx = s.indexOf(alertId);
    if (idx !== null) requestAnimationFrame(() => grid.current?.revealIndex(idx, false));
  }, [alertId]);

  // While the detail is open, it follows the list's cursor (a click on a row, j / k).
  const shownId = useRef(alertId);
  shownId.current = alertId;
  useEffect(() => {
    if (!detailOpen) return;
    return useAlerts.subscribe((s, prev) => {
      if (s.selectedId !== prev.selectedId && s.selectedId !== null && s.selectedId !== shownId.current) openDetail(s.selectedId, true);
    });
  }, [detailOpen]);

  // Closing the detail gives the keyboard back to the list at the same row.
  const wasOpen = useRef(detailOpen);
  useEffect(() => {
    if (wasOpen.current && !detailOpen) {
      const idx = useAlerts.getState().selectedId === null ? null : useAlerts.getState().indexOf(useAlerts.getState().selectedId!);
      if (idx !== null) requestAnimationFrame(() => grid.current?.revealIndex(idx, true));
    }
    wasOpen.current = detailOpen;
  }, [detailOpen]);

  const showPending = () => {
    grid.current?.scrollToTop();
    void useAlerts.getState().showPending();
  };

  const step = (delta: number) => {
    const idx = useAlerts.getState().moveSelection(delta);
    if (idx === null) return;
    grid.current?.revealIndex(idx, false);
    const id = useAlerts.getState().selectedId;
    if (id !== null) openDetail(id, true);
  };

  return (
    <div className={`screen alerts-screen${detailOpen ? ' with-detail' : ''}`}>
      <div className="screen-header">
        <h1 tabIndex={-1}>Alerts</h1>
        <div className="header-spacer" />
        <SavedFiltersMenu />
        <ExportMenu />
        <ColumnsMenu />
        <button
          type="button"
          className="icon-button"
          aria-label="Keyboard shortcuts"
          aria-keyshortcuts="?"
          title="Keyboard shortcuts (?)"
          onClick={() => useTriage.getState().openDialog({ kind: 'help' })}
        >
          <Keyboard size={16} aria-hidden="true" />
        </button>
        <button type="button" className="icon-button" aria-label="Refresh alerts" title="Refresh alerts" onClick={() => void useAlerts.getState().reload()}>
          <RefreshCw size={15} aria-hidden="true" />
        </button>
      </div>
      <FilterBar searchRef={search} />
      <SelectionBar />
      <div className="alerts-split">
        <div className="alerts-body">
          <div className="pill-anchor" role="status" aria-live="polite">
            <NewAlertsPill onShow={showPending} />
          </div>
          <AlertsBody grid={grid} cols={detailOpen ? COMPACT_COLUMNS : columns} />
        </div>
        {alertId !== null ? <AlertDetailPanel alertId={alertId} onClose={closeDetail} onStep={step} /> : null}
      </div>
      <KeyHints />
      <TriageDialogs />
    </div>
  );
}
