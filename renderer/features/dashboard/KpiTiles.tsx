import { Activity, Bell, Hourglass, Timer } from 'lucide-react';
import type { ReactNode } from 'react';
import type { Priority } from '../../../main/contract/alerts.js';
import { alertsHref } from '../../app/router.js';
import { formatCount } from '../../lib/format.js';
import { OPEN_STATUS_LIST, rangeFilter, useDashboard } from '../../stores/dashboard.js';
import { formatHumanDuration, formatRate } from './format.js';

const PRIORITY_TILES: ReadonlyArray<{ p: Priority; label: string }> = [
  { p: 'P1', label: 'Urgent' },
  { p: 'P2', label: 'High' },
  { p: 'P3', label: 'Normal' },
  { p: 'P4', label: 'Low' },
];

function Tile({
  label,
  value,
  sub,
  icon,
  href,
  ariaLabel,
  className,
  testId,
  loading,
}: {
  label: ReactNode;
  value: string;
  sub: ReactNode;
  icon?: ReactNode;
  href?: string;
  ariaLabel?: string;
  className?: string;
  testId: string;
  loading: boolean;
}) {
  const body = (
    <>
      <span className="kpi-label">
        {label}
        {icon ? (
          <span className="kpi-icon" aria-hidden="true">
            {icon}
          </span>
        ) : null}
      </span>
      {loading ? (
        <span className="skeleton kpi-skeleton" aria-hidden="true" />
      ) : (
        <span className="kpi-value num" data-testid={`${testId}-value`}>
          {value}
        </span>
      )}
      <span className="kpi-sub">{sub}</span>
    </>
  );
  const cls = `kpi${className ? ` ${className}` : ''}`;
  if (href && !loading) {
    return (
      <li className="kpi-item">
        <a className={`${cls} kpi-link`} href={href} aria-label={ariaLabel} data-testid={testId}>
          {body}
        </a>
      </li>
    );
  }
  return (
    <li className="kpi-item">
      <div className={cls} data-testid={testId} aria-busy={loading || undefined}>
        {body}
      </div>
    </li>
  );
}

export function KpiTiles() {
  const data = useDashboard((s) => s.data);
  const range = useDashboard((s) => s.range);
  const loading = data === null;
  const s = data?.summary;
  const inRange = rangeFilter(range, data?.window ?? null);
  return (
    <ul className="kpis" aria-label="Key figures">
      {PRIORITY_TILES.map(({ p, label }) => {
        const n = s?.open_by_priority[p] ?? 0;
        return (
          <Tile
            key={p}
            testId={`kpi-${p.toLowerCase()}`}
            loading={loading}
            className={`kpi-prio kpi-${p.toLowerCase()}${n > 0 ? ' hot' : ''}`}
            label={
              <>
                <span className={`prio prio-${p.toLowerCase()}`}>{p}</span> open
              </>
            }
            value={formatCount(n)}
            sub={`${label} · in range`}
            href={alertsHref({ priority: [p], status: OPEN_STATUS_LIST, ...inRange })}
            ariaLabel={`${p} open, seen in the selected range: ${formatCount(n)} ${n === 1 ? 'alert' : 'alerts'} (${label.toLowerCase()}). Show them in Alerts`}
          />
        );
      })}
      <Tile
        testId="kpi-eps"
        loading={loading}
        label="Events/s now"
        icon={<Activity size={13} />}
        value={formatRate(s?.events_per_s ?? 0)}
        sub="stored, last 60 s"
      />
      <Tile
        testId="kpi-alerts"
        loading={loading}
        label="Alerts in range"
        icon={<Bell size={13} />}
        value={formatCount(s?.alerts_in_range ?? 0)}
        sub={`${formatCount(s?.events_in_range ?? 0)} events`}
        href={alertsHref(inRange)}
        ariaLabel={`Alerts in range: ${formatCount(s?.alerts_in_range ?? 0)}. Show them in Alerts`}
      />
      <Tile
        testId="kpi-mtta"
        loading={loading}
        label={<abbr title="Mean time to acknowledge">MTTA</abbr>}
        icon={<Hourglass size={13} />}
        value={formatHumanDuration(s?.mtta_s ?? null)}
        sub={s?.mtta_s == null ? 'nothing acknowledged yet' : 'mean time to acknowledge'}
      />
      <Tile
        testId="kpi-mttr"
        loading={loading}
        label={<abbr title="Mean time to resolve">MTTR</abbr>}
        icon={<Timer size={13} />}
        value={formatHumanDuration(s?.mttr_s ?? null)}
        sub={s?.mttr_s == null ? 'nothing resolved yet' : 'mean time to resolve'}
      />
    </ul>
  );
}
