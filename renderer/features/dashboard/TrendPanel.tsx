import { ChartColumnStacked } from 'lucide-react';
import { useMemo } from 'react';
import type { Severity } from '../../../main/contract/alerts.js';
import type { DashboardTrend } from '../../../main/contract/console.js';
import { ChartFigure } from '../../components/charts/ChartFigure.js';
import type { ChartOption } from '../../components/charts/echarts.js';
import { Panel, PanelSkeleton } from '../../components/charts/Panel.js';
import { esc, tooltipStyle, useChartTheme, type ChartTheme } from '../../components/charts/theme.js';
import { useEChart } from '../../components/charts/useEChart.js';
import { SEVERITY_LABEL, SEVERITY_ORDER, severityClass } from '../../lib/domain.js';
import { displayZone, formatCount } from '../../lib/format.js';
import { formatBucket } from './format.js';
import { useDashboard } from '../../stores/dashboard.js';

/** Stacking order, bottom to top: the most severe sits on top where the eye lands. */
const STACK: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

type Point = DashboardTrend['points'][number];

const total = (p: Point) => p.info + p.low + p.medium + p.high + p.critical;

function timeFormatter(bucketS: number, spanS: number) {
  const opts: Intl.DateTimeFormatOptions =
    spanS > 2 * 86_400
      ? { month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
      : bucketS < 60
        ? { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }
        : { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
  const tz = displayZone() === 'utc' ? { timeZone: 'UTC' } : {};
  const f = new Intl.DateTimeFormat(undefined, { ...opts, ...tz });
  const axis = new Intl.DateTimeFormat(
    undefined,
    spanS > 2 * 86_400 ? { month: 'short', day: '2-digit', ...tz } : { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', ...tz },
  );
  return { full: (iso: string) => f.format(new Date(iso)), axis: (iso: string) => axis.format(new Date(iso)) };
}

function buildOption(trend: DashboardTrend, t: ChartTheme): ChartOption {
  const pts = trend.points;
  const span = pts.length * trend.bucket_s;
  const fmt = timeFormatter(trend.bucket_s, span);
  const light = t.mode === 'light';
  return {
    animationDuration: 300,
    animationDurationUpdate: 400,
    textStyle: { fontFamily: t.fontSans },
    grid: { left: 4, right: 8, top: 12, bottom: 2, containLabel: true },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow', shadowStyle: { color: light ? 'rgba(20,28,40,0.06)' : 'rgba(255,255,255,0.05)' } },
      ...tooltipStyle(t),
      formatter: (raw: unknown) => {
        const params = (Array.isArray(raw) ? raw : [raw]) as { dataIndex: number }[];
        const p = pts[params[0]?.dataIndex ?? -1];
        if (!p) return '';
        const end = new Date(Date.parse(p.t) + trend.bucket_s * 1000).toISOString();
        const rows = SEVERITY_ORDER.filter((s) => p[s] > 0)
          .map(
            (s) =>
              `<div class="chart-tip-row"><span class="chart-tip-swatch sev-${s}"></span><span class="chart-tip-label">${SEVERITY_LABEL[s]}</span><b class="chart-tip-num">${formatCount(p[s])}</b></div>`,
          )
          .join('');
        return `<div class="chart-tip-head">${esc(fmt.full(p.t))} – ${esc(fmt.full(end))}</div>${
          rows || `<div class="chart-tip-muted">No new alerts</div>`
        }<div class="chart-tip-total"><span class="chart-tip-label">Total</span><b class="chart-tip-num">${formatCount(total(p))}</b></div>`;
      },
    },
    xAxis: {
      type: 'category',
      data: pts.map((p) => p.t),
      axisTick: { show: false },
      axisLine: { lineStyle: { color: t.border } },
      axisLabel: { color: t.textFaint, fontSize: 11, hideOverlap: true, formatter: (v: string) => fmt.axis(v) },
    },
    yAxis: {
      type: 'value',
      minInterval: 1,
      splitNumber: 4,
      axisLabel: { color: t.textFaint, fontSize: 11 },
      splitLine: { lineStyle: { color: t.borderSubtle, type: 'dashed' } },
    },
    series: STACK.map((s, i) => ({
      type: 'bar' as const,
      name: SEVERITY_LABEL[s],
      stack: 'severity',
      barCategoryGap: '28%',
      barMaxWidth: 28,
      // Empty stacks are left out (no hairline borders along the axis in the light theme).
      data: pts.map((p) => (p[s] > 0 ? p[s] : '-')),
      itemStyle: {
        color: t.sev[s],
        borderColor: light ? t.swatchRing : t.sev[s],
        borderWidth: light ? 0.5 : 0,
        borderRadius: i === STACK.length - 1 ? [2, 2, 0, 0] : 0,
      },
      emphasis: { focus: 'series' as const },
    })),
  };
}

function TrendTable({ trend }: { trend: DashboardTrend }) {
  const fmt = timeFormatter(trend.bucket_s, trend.points.length * trend.bucket_s);
  const rows = trend.points.filter((p) => total(p) > 0);
  return (
    <table className="visually-hidden" data-testid="trend-table">
      <caption>
        New alerts per {formatBucket(trend.bucket_s)}, by severity ({rows.length} of {trend.points.length} intervals have alerts; empty
        intervals are left out)
      </caption>
      <thead>
        <tr>
          <th scope="col">Interval start</th>
          {SEVERITY_ORDER.map((s) => (
            <th key={s} scope="col">
              {SEVERITY_LABEL[s]}
            </th>
          ))}
          <th scope="col">Total</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((p) => (
          <tr key={p.t}>
            <th scope="row">{fmt.full(p.t)}</th>
            {SEVERITY_ORDER.map((s) => (
              <td key={s}>{p[s]}</td>
            ))}
            <td>{total(p)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function TrendPanel() {
  const trend = useDashboard((s) => s.data?.trend ?? null);
  const refreshing = useDashboard((s) => s.refreshing);
  const theme = useChartTheme();
  const option = useMemo(() => (trend ? buildOption(trend, theme) : null), [trend, theme]);
  const ref = useEChart(option);

  const totals = useMemo(() => {
    const out: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
    let peak: Point | null = null;
    for (const p of trend?.points ?? []) {
      for (const s of SEVERITY_ORDER) out[s] += p[s];
      if (!peak || total(p) > total(peak)) peak = p;
    }
    return { bySev: out, all: SEVERITY_ORDER.reduce((a, s) => a + out[s], 0), peak };
  }, [trend]);

  const subtitle = trend ? `new alerts per ${formatBucket(trend.bucket_s)}` : null;

  return (
    <Panel
      title="Alert trend"
      subtitle={subtitle}
      icon={<ChartColumnStacked size={15} />}
      className="panel-trend"
      testId="panel-trend"
      busy={refreshing}
      actions={
        <ul className="legend" aria-label="Alerts in range by severity">
          {SEVERITY_ORDER.map((s) => (
            <li key={s} className={`legend-item ${severityClass(s)}`}>
              <span className="sev-swatch" aria-hidden="true" />
              {SEVERITY_LABEL[s]}
              <span className="legend-count num">{formatCount(totals.bySev[s])}</span>
            </li>
          ))}
        </ul>
      }
    >
      <ChartFigure
        chartRef={ref}
        label="Alert trend by severity"
        height={224}
        testId="trend-chart"
        overlay={
          !trend ? (
            <PanelSkeleton height={224} />
          ) : totals.all === 0 ? (
            <span className="chart-empty">No new alerts in this range</span>
          ) : null
        }
        alternative={trend ? <TrendTable trend={trend} /> : null}
      />
    </Panel>
  );
}
