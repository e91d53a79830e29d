import { Columns3 } from 'lucide-react';
import { Popover } from '../../components/Popover.js';
import { useAlerts } from '../../stores/alerts.js';
import { useSettings } from '../../stores/settings.js';
import { ALL_COLUMNS, COLUMN_DEFS, DEFAULT_COLUMNS, normalizeColumns, type ColumnKey } from './columns.js';

/** The columns the table shows, from settings (contract default until they load). */
export function useColumns(): ColumnKey[] {
  const list = useSettings((s) => s.settings?.alertsColumns);
  return normalizeColumns(list);
}

function withColumn(current: readonly ColumnKey[], col: ColumnKey, on: boolean): ColumnKey[] {
  if (!on) return current.filter((c) => c !== col);
  if (current.includes(col)) return [...current];
  // insert at its natural place relative to the columns already shown
  const rank = (c: ColumnKey) => ALL_COLUMNS.indexOf(c);
  const at = current.findIndex((c) => rank(c) > rank(col));
  const out = [...current];
  out.splice(at === -1 ? out.length : at, 0, col);
  return out;
}

/** Column chooser; the choice is saved in settings (alertsColumns) and follows the analyst. */
export function ColumnsMenu() {
  const cols = useColumns();
  const collapsed = useAlerts((s) => s.collapsedColumns);
  const save = (next: ColumnKey[]) => void useSettings.getState().update({ alertsColumns: next });
  return (
    <Popover
      label="Columns"
      testId="columns-button"
      trigger={
        <>
          <Columns3 size={14} aria-hidden="true" />
          Columns
        </>
      }
    >
      {() => (
        <>
          <div className="ui-popover-head">Show columns</div>
          <div className="ui-popover-section tri-columns-list" role="group" aria-label="Visible columns">
            {ALL_COLUMNS.map((c) => {
              const on = cols.includes(c);
              const last = on && cols.length === 1;
              return (
                <label key={c} className="ui-popover-item ui-check">
                  <input type="checkbox" checked={on} disabled={last} onChange={(e) => save(withColumn(cols, c, e.target.checked))} />
                  <span>{COLUMN_DEFS[c].label}</span>
                  {COLUMN_DEFS[c].sort ? <span className="faint text-sm tri-col-sortable">sortable</span> : null}
                </label>
              );
            })}
          </div>
          {collapsed.length > 0 ? (
            <p className="ui-popover-note" data-testid="collapsed-columns">
              Left out to fit the window: {collapsed.map((c) => COLUMN_DEFS[c].label).join(', ')}. A wider window shows them.
            </p>
          ) : null}
          <div className="ui-popover-foot">
            <button type="button" className="button small ghost" onClick={() => save([...DEFAULT_COLUMNS])}>
              Reset to default
            </button>
          </div>
        </>
      )}
    </Popover>
  );
}
