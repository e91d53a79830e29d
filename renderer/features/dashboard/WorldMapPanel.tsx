import { Earth } from 'lucide-react';
import { useEffect, useMemo, useState } from 'react';
import type { DashboardTop } from '../../../main/contract/console.js';
import { ChartFigure } from '../../components/charts/ChartFigure.js';
import type { ChartOption } from '../../components/charts/echarts.js';
import { Panel, PanelSkeleton } from '../../components/charts/Panel.js';
import { esc, mix, tooltipStyle, useChartTheme, type ChartTheme } from '../../components/charts/theme.js';
import { useEChart } from '../../components/charts/useEChart.js';
import { formatCount } from '../../lib/format.js';
import { countryName, loadWorld, WORLD_MAP, type WorldInfo } from '../../lib/geo/world.js';
import { rangeFilter, useDashboard } from '../../stores/dashboard.js';
import { alertsHref } from '../../app/router.js';
import { TopList } from './TopList.js';

type Item = DashboardTop['items'][number];

/** Map colours: log scale, so one loud country does not wash out the rest. */
function heat(events: number, max: number): number {
  return max <= 0 ? 0 : Math.log1p(events) / Math.log1p(max);
}

function rampColor(t: ChartTheme, k: number): string {
  // From a faint tint of the accent to the full accent colour.
  return mix(t.accent, t.surface3, 0.22 + 0.78 * k);
}

function buildOption(items: Item[], world: WorldInfo, t: ChartTheme): ChartOption {
  const max = Math.max(0, ...items.map((i) => i.events));
  const byRegion = new Map<string, Item>();
  for (const i of items) {
    const region = world.regionOf(i.key);
    if (region) byRegion.set(region, i);
  }
  return {
    animationDurationUpdate: 400,
    tooltip: {
      trigger: 'item',
      ...tooltipStyle(t),
      formatter: (raw: unknown) => {
        const p = raw as { name: string };
        const item = byRegion.get(p.name);
        const name = item ? countryName(item.key) : p.name;
        if (!item) return `<b>${esc(name)}</b><div class="chart-tip-muted">No alerts in range</div>`;
        return `<b>${esc(name)}</b> <span class="chart-tip-muted">${esc(item.key)}</span><div class="chart-tip-line">${formatCount(item.events)} events · ${formatCount(item.alerts)} alerts</div>`;
      },
    },
    series: [
      {
        type: 'map',
        map: WORLD_MAP,
        roam: false,
        selectedMode: false,
        left: 0,
        right: 0,
        top: 4,
        bottom: 4,
        aspectScale: 0.8,
        itemStyle: { areaColor: t.surface3, borderColor: t.mode === 'dark' ? t.surface : t.borderStrong, borderWidth: 0.6 },
        emphasis: {
          label: { show: false },
          itemStyle: { areaColor: mix(t.text, t.surface3, 0.35), borderColor: t.text, borderWidth: 0.8 },
        },
        data: [...byRegion.entries()].map(([name, item]) => ({
          name,
          value: item.events,
          itemStyle: { areaColor: rampColor(t, heat(item.events, max)) },
        })),
      },
    ],
  };
}

function useWorld(): { world: WorldInfo | null; error: string | null } {
  const [state, setState] = useState<{ world: WorldInfo | null; error: string | null }>({ world: null, error: null });
  useEffect(() => {
    let live = true;
    loadWorld().then(
      (world) => live && setState({ world, error: null }),
      (err: unknown) => live && setState({ world: null, error: err instanceof Error ? err.message : String(err) }),
    );
    return () => {
      live = false;
    };
  }, []);
  return state;
}

export function WorldMapPanel() {
  const items = useDashboard((s) => s.data?.topCountry ?? null);
  const refreshing = useDashboard((s) => s.refreshing);
  const win = useDashboard((s) => s.data?.window ?? null);
  const range = useDashboard((s) => s.range);
  const r = rangeFilter(range, win);
  const theme = useChartTheme();
  const { world, error } = useWorld();
  const option = useMemo(() => (items && world ? buildOption(items, world, theme) : null), [items, world, theme]);
  const ref = useEChart(option);
  const max = Math.max(0, ...(items ?? []).map((i) => i.events));
  const total = (items ?? []).reduce((a, i) => a + i.events, 0);

  return (
    <Panel
      title="Source countries"
      subtitle={items ? `${formatCount(items.length)} ${items.length === 1 ? 'country' : 'countries'} · ${formatCount(total)} events` : null}
      icon={<Earth size={15} />}
      className="panel-map"
      testId="panel-map"
      busy={refreshing}
    >
      <div className="map-layout">
        <div className="map-area">
          <ChartFigure
            chartRef={ref}
            label="World map of source countries, shaded by events"
            height={272}
            testId="world-map"
            overlay={
              error ? (
                <span className="chart-empty">Map unavailable: {error}</span>
              ) : !items || !world ? (
                <PanelSkeleton height={272} />
              ) : items.length === 0 ? (
                <span className="chart-empty">
                  No geolocated sources in this range.
                  <br />
                  <span className="faint">Attacker addresses are located with a local GeoLite2 City or Country database (settings).</span>
                </span>
              ) : null
            }
            alternative={
              items ? (
                <table className="visually-hidden" data-testid="map-table">
                  <caption>Events by source country</caption>
                  <thead>
                    <tr>
                      <th scope="col">Country</th>
                      <th scope="col">Events</th>
                      <th scope="col">Alerts</th>
                    </tr>
                  </thead>
                  <tbody>
                    {items.map((i) => (
                      <tr key={i.key}>
                        <th scope="row">
                          {countryName(i.key)} ({i.key})
                        </th>
                        <td>{i.events}</td>
                        <td>{i.alerts}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              ) : null
            }
          />
          {items && items.length > 0 ? (
            <div className="map-legend" aria-hidden="true">
              <span>Fewer</span>
              <span
                className="map-ramp"
                style={{ background: `linear-gradient(90deg, ${rampColor(theme, 0)}, ${rampColor(theme, 1)})` }}
              />
              <span>More</span>
              <span className="faint num">max {formatCount(max)} events</span>
            </div>
          ) : null}
        </div>
        <div className="map-list">
          <h3 className="subhead">Top countries</h3>
          <TopList
            items={items}
            measure="events"
            label="Top source countries by events"
            testId="top-countries"
            max={7}
            emptyText="No geolocated sources."
            primary={(i) => countryName(i.key)}
            secondary={(i) => <span className="mono">{i.key}</span>}
            href={(i) => alertsHref({ country: i.key, ...r })}
            linkLabel={(i) => `${countryName(i.key)}: ${formatCount(i.events)} events in ${formatCount(i.alerts)} alerts. Show these alerts`}
          />
        </div>
      </div>
    </Panel>
  );
}
