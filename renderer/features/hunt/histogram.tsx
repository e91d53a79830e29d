/**
 * The records-over-time chart of a hunt (the Hunt screen, a host page): bars per bucket of an
 * events.histogram answer, and the span a bar zooms into.
 */
import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { EventsHistogramResponse } from '../../../main/contract/hunt.js';
import { navigate } from '../../app/router.js';
import { ChartFigure } from '../../components/charts/ChartFigure.js';
import type { ChartOption, echarts } from '../../components/charts/echarts.js';
import { tooltipStyle, useChartTheme, type ChartTheme } from '../../components/charts/theme.js';
import { useEChart } from '../../components/charts/useEChart.js';
import { displayZone, formatCount } from '../../lib/format.js';
import type { HuntSpan } from './model.js';

/** The chart of a histogram: one bar per non-empty bucket, at its middle. */
function histogramOption(h: EventsHistogramResponse, t: ChartTheme): ChartOption {
  const tz = displayZone() === 'utc' ? { timeZone: 'UTC' } : {};
  const span = Date.parse(h.to) - Date.parse(h.from);
  // days over a long range, minutes over hours, seconds once zoomed into a few minutes
  const axis = new Intl.DateTimeFormat(
    undefined,
    span > 2 * 86_400_000
      ? { month: 'short', day: '2-digit', ...tz }
      : { hour: '2-digit', minute: '2-digit', ...(span <= 15 * 60_000 ? { second: '2-digit' } : {}), hourCycle: 'h23', ...tz },
  );
  const full = new Intl.DateTimeFormat(undefined, { month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', ...tz });
  return {
    animationDuration: 200,
    textStyle: { fontFamily: t.fontSans },
    grid: { left: 4, right: 8, top: 8, bottom: 2, containLabel: true },
    tooltip: {
      trigger: 'axis',
      // inside the chart: a card around a short chart (a host's activity) clips what overflows it
      confine: true,
      ...tooltipStyle(t),
      formatter: (raw: unknown) => {
        const p = (Array.isArray(raw) ? raw[0] : raw) as { value: [number, number] } | undefined;
        if (!p) return '';
        return `${full.format(new Date(p.value[0]))}<br/><b>${formatCount(p.value[1])}</b> records<br/><span class="chart-tip-hint">Click the bar (or Enter) to zoom into it</span>`;
      },
    },
    xAxis: {
      type: 'time',
      min: Date.parse(h.from),
      max: Date.parse(h.to),
      axisLine: { lineStyle: { color: t.border } },
      axisLabel: { color: t.textFaint, fontSize: 11, hideOverlap: true, formatter: (v: number) => axis.format(new Date(v)) },
      splitLine: { show: false },
    },
    yAxis: { type: 'value', minInterval: 1, splitNumber: 3, axisLabel: { color: t.textFaint, fontSize: 11 }, splitLine: { lineStyle: { color: t.borderSubtle, type: 'dashed' } } },
    series: [
      {
        type: 'bar',
        barMaxWidth: 18,
        barMinWidth: 2,
        data: h.buckets.map((b) => [Date.parse(b.ts) + h.bucket_ms / 2, b.count]),
        itemStyle: { color: t.accent, borderRadius: [2, 2, 0, 0] },
      },
    ],
  };
}

/** The span of one histogram bucket (starting at `startMs`), inside the histogram's own range. */
function bucketSpan(h: EventsHistogramResponse, startMs: number): HuntSpan {
  return { from: new Date(Math.max(startMs, Date.parse(h.from))).toISOString(), to: new Date(Math.min(startMs + h.bucket_ms, Date.parse(h.to))).toISOString() };
}

/** Chart handlers: a bar clicked zooms into its bucket (bars sit at their bucket's middle). */
function zoomOnClick(h: EventsHistogramResponse | null, zoom: (span: HuntSpan) => void): Record<string, (p: unknown) => void> {
  return {
    click: (p: unknown) => {
      const x = (p as { value?: [number, number] }).value?.[0];
      if (h && typeof x === 'number') zoom(bucketSpan(h, x - h.bucket_ms / 2));
    },
  };
}

/**
 * The chart as a table for screen readers: each bucket's start (a link that zooms into it) and
 * count. The links are out of the Tab order: a hidden table must not take invisible tab stops.
 */
function HistogramTable({ h, href, testId }: { h: EventsHistogramResponse; href: (span: HuntSpan) => string; testId: string }) {
  return (
    <table className="visually-hidden">
      <caption>Records per {Math.round(h.bucket_ms / 1000)} seconds</caption>
      <tbody>
        {h.buckets.map((b) => (
          <tr key={b.ts}>
            <th scope="row">
              <a href={href(bucketSpan(h, Date.parse(b.ts)))} tabIndex={-1} data-testid={testId}>
                {b.ts}
              </a>
            </th>
            <td>{b.count}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** What the keyboard's bar says: its time, its count, and what Enter does. */
function barText(h: EventsHistogramResponse, index: number): string {
  const b = h.buckets[index]!;
  const span = bucketSpan(h, Date.parse(b.ts));
  const tz = displayZone() === 'utc' ? { timeZone: 'UTC' } : {};
  const at = new Intl.DateTimeFormat(undefined, { month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', ...tz });
  return `${at.formatRange(new Date(span.from), new Date(span.to))}: ${formatCount(b.count)} ${b.count === 1 ? 'record' : 'records'}. Enter zooms into it.`;
}

/** The bar the arrow keys move to from `at` (null: none picked yet), or `at` for another key. */
function nextBar(key: string, at: number | null, bars: number): number | null {
  if (bars === 0) return null;
  switch (key) {
    case 'ArrowRight':
      return at === null ? 0 : Math.min(bars - 1, at + 1);
    case 'ArrowLeft':
      return at === null ? bars - 1 : Math.max(0, at - 1);
    case 'Home':
      return 0;
    case 'End':
      return bars - 1;
    default:
      return at;
  }
}

interface HistogramFigureProps {
  /** The histogram; null while it loads (the chart keeps what it showed). */
  h: EventsHistogramResponse | null;
  label: string;
  height: number;
  /** The address of a hunt over a bucket's span: a bar clicked or Enter on the bar picked opens it. */
  href: (span: HuntSpan) => string;
  overlay?: ReactNode;
  testId: string;
  /** The test id of the screen-reader table's zoom links. */
  tableTestId: string;
}

/**
 * A histogram's chart, its table for screen readers, and its keyboard: the figure takes the focus;
 * ←/→ (Home/End) pick a bar, whose tooltip shows and whose time and count are read out; Enter
 * zooms into it, as a click does; Esc lets the bar go.
 */
export function HistogramFigure({ h, label, height, href, overlay, testId, tableTestId }: HistogramFigureProps) {
  const theme = useChartTheme();
  const option = useMemo(() => (h ? histogramOption(h, theme) : null), [h, theme]);
  const chart = useRef<echarts.ECharts | null>(null);
  const zoom = (span: HuntSpan) => navigate(href(span));
  const ref = useEChart(option, { on: zoomOnClick(h, zoom), instance: chart });
  // the bar picked belongs to the counts it was picked in: new counts, new bars, none picked
  const [pick, setPick] = useState<{ of: EventsHistogramResponse; bar: number } | null>(null);
  const bar = pick && pick.of === h ? pick.bar : null;
  const setBar = (next: number | null) => setPick(h && next !== null ? { of: h, bar: next } : null);
  const hint = useId();
  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    if (bar === null) c.dispatchAction({ type: 'hideTip' });
    else c.dispatchAction({ type: 'showTip', seriesIndex: 0, dataIndex: bar });
  }, [bar]);
  const bars = h?.buckets.length ?? 0;
  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    if (!h || bars === 0) return;
    if (e.key === 'Enter' && bar !== null) {
      e.preventDefault();
      zoom(bucketSpan(h, Date.parse(h.buckets[bar]!.ts)));
    } else if (e.key === 'Escape' && bar !== null) {
      e.stopPropagation();
      setBar(null);
    } else {
      const next = nextBar(e.key, bar, bars);
      if (next === bar) return;
      e.preventDefault();
      setBar(next);
    }
  };
  return (
    <ChartFigure
      chartRef={ref}
      label={label}
      height={height}
      overlay={overlay}
      testId={testId}
      keys={bars > 0 ? { onKeyDown, onBlur: () => setBar(null), describedBy: hint } : undefined}
      note={
        // always there: a live region added with its first words is not read out
        <>
          <span id={hint} className="visually-hidden">
            Left and right arrows pick a bar; Enter zooms into it.
          </span>
          <span className="visually-hidden" aria-live="polite" data-testid={`${testId}-bar`}>
            {h && bar !== null ? barText(h, bar) : ''}
          </span>
        </>
      }
      alternative={h ? <HistogramTable h={h} href={href} testId={tableTestId} /> : null}
    />
  );
}
