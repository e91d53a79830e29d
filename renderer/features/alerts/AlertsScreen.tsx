import { ArrowUp, FunnelX, RefreshCw, ShieldCheck, TriangleAlert } from 'lucide-react';
import { useEffect, useRef, type RefObject } from 'react';
import { EmptyState } from '../../components/EmptyState.js';
import { formatCount } from '../../lib/format.js';
import { isFilterActive, useAlerts } from '../../stores/alerts.js';
import { AlertsGrid, SkeletonGrid, type AlertsGridHandle } from './AlertsGrid.js';
import { FilterBar } from './FilterBar.js';

function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT';
}

/**
 * Screen-wide keys (ignored while typing in a field):
 *   j / k   next / previous alert     /   focus the search box
 * More triage keys (acknowledge, resolve, open) plug in here, acting on `selectedId`.
 */
function useTriageKeys(grid: RefObject<AlertsGridHandle | null>, search: RefObject<HTMLInputElement | null>) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || isEditable(e.target)) return;
      const s = useAlerts.getState();
      if (e.key === 'j' || e.key === 'k') {
        const idx = s.moveSelection(e.key === 'j' ? 1 : -1);
        if (idx !== null) {
          e.preventDefault();
          grid.current?.revealIndex(idx, true);
        }
      } else if (e.key === '/') {
        e.preventDefault();
        search.current?.focus();
        search.current?.select();
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
      <kbd>j</kbd>
      <kbd>k</kbd> move <kbd>/</kbd> search
    </p>
  );
}

function ListSummary() {
  const count = useAlerts((s) => s.items.length);
  const next = useAlerts((s) => s.next);
  const loaded = useAlerts((s) => s.loaded);
  const error = useAlerts((s) => s.error);
  if (!loaded || error || count === 0) return null;
  return (
    <span className="list-summary num" data-testid="alerts-summary">
      {formatCount(count)}
      {next !== null ? '+' : ''} {count === 1 && next === null ? 'alert' : 'alerts'}
      {next !== null ? ' loaded' : ''}
    </span>
  );
}

function AlertsBody({ grid }: { grid: RefObject<AlertsGridHandle | null> }) {
  const itemsLength = useAlerts((s) => s.items.length);
  const loading = useAlerts((s) => s.loading);
  const loaded = useAlerts((s) => s.loaded);
  const error = useAlerts((s) => s.error);
  const filter = useAlerts((s) => s.filter);
  const { reload, clearFilters } = useAlerts.getState();

  if (error && itemsLength === 0 && loading === 'idle') {
    return (
      <EmptyState
        tone="error"
        role="alert"
        icon={<TriangleAlert size={28} />}
        title="Could not load alerts"
        actions={
          <button type="button" className="button primary" onClick={() => void reload()}>
            <RefreshCw size={14} aria-hidden="true" />
            Retry
          </button>
        }
      >
        <p>{error.describe()}</p>
      </EmptyState>
    );
  }
  if (!loaded || (loading === 'initial' && itemsLength === 0)) return <SkeletonGrid />;
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
          <p>Try a wider time range, fewer severities or statuses, or a different search.</p>
        </EmptyState>
      );
    }
    return (
      <EmptyState icon={<ShieldCheck size={28} />} title="No alerts yet">
        <p>
          Alerts appear here when Vigil ingests Suricata or Wazuh output, for example{' '}
          <code>vigil ingest --format eve eve.json</code>. New alerts show up live, no refresh needed.
        </p>
      </EmptyState>
    );
  }
  return <AlertsGrid handle={grid} refreshing={loading === 'initial'} />;
}

export function AlertsScreen({ alertId }: { alertId: number | null }) {
  const grid = useRef<AlertsGridHandle>(null);
  const search = useRef<HTMLInputElement>(null);
  useTriageKeys(grid, search);

  useEffect(() => {
    const s = useAlerts.getState();
    s.setAtTop(true); // a fresh grid starts at the top
    if (!s.loaded && s.loading === 'idle') void s.reload();
    else if (s.loaded) s.resync();
  }, []);

  useEffect(() => {
    if (alertId !== null) useAlerts.getState().select(alertId);
  }, [alertId]);

  const showPending = () => {
    grid.current?.scrollToTop();
    void useAlerts.getState().showPending();
  };

  return (
    <div className="screen alerts-screen">
      <div className="screen-header">
        <h1 tabIndex={-1}>Alerts</h1>
        <ListSummary />
        <div className="header-spacer" />
        <button
          type="button"
          className="icon-button"
          aria-label="Refresh alerts"
          title="Refresh alerts"
          onClick={() => void useAlerts.getState().reload()}
        >
          <RefreshCw size={15} aria-hidden="true" />
        </button>
      </div>
      <FilterBar searchRef={search} />
      <div className="alerts-body">
        <div className="pill-anchor" role="status" aria-live="polite">
          <NewAlertsPill onShow={showPending} />
        </div>
        <AlertsBody grid={grid} />
      </div>
      <KeyHints />
    </div>
  );
}
