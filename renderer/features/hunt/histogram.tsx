/**
 * The records-over-time chart of a hunt (the Hunt screen, a host page): bars per bucket of an
 * events.histogram answer, and the span a bar zooms into.
 */
import type { EventsHistogramResponse } from '../../../main/contract/hunt.js';
import type { ChartOption } from '../../components/charts/echarts.js';
import { tooltipStyle, type ChartTheme } from '../../components/charts/theme.js';
import { displayZone, formatCount } from '../../lib/format.js';
import type { HuntSpan } from './model.js';

/** The chart of a histogram: one bar per non-empty bucket, at its middle. */
export function histogramOption(h: EventsHistogramResponse, t: ChartTheme): ChartOption {
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
      ...tooltipStyle(t),
      formatter: (raw: unknown) => {
        const p = (Array.isArray(raw) ? raw[0] : raw) as { value: [number, number] } | undefined;
        if (!p) return '';
        return `${full.format(new Date(p.value[0]))}<br/><b>${formatCount(p.value[1])}</b> records<br/><span class="chart-tip-hint">Click the bar to zoom into it</span>`;
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
export function bucketSpan(h: EventsHistogramResponse, startMs: number): HuntSpan {
  return { from: new Date(Math.max(startMs, Date.parse(h.from))).toISOString(), to: new Date(Math.min(startMs + h.bucket_ms, Date.parse(h.to))).toISOString() };
}

/** Chart handlers: a bar clicked zooms into its bucket (bars sit at their bucket's middle). */
export function zoomOnClick(h: EventsHistogramResponse | null, zoom: (span: HuntSpan) => void): Record<string, (p: unknown) => void> {
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
export function HistogramTable({ h, href, testId }: { h: EventsHistogramResponse; href: (span: HuntSpan) => string; testId: string }) {
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
