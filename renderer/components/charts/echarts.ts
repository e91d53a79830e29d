/**
 * The one place ECharts is configured.
 *
 * Why ECharts (Apache ECharts): it is maintained by the Apache Software Foundation with a steady
 * release cadence; its canvas renderer stays smooth when live data arrives every few seconds
 * (setOption diffs and animates instead of rebuilding DOM, unlike SVG-per-mark libraries); one
 * library covers every chart this console needs (stacked series, heatmaps, geo choropleths from
 * local GeoJSON via registerMap, so nothing is fetched from a tile server); and `echarts/core`
 * is tree-shakable, so only the charts and components registered below end up in the bundle.
 */
import * as echarts from 'echarts/core';
import { BarChart, MapChart, type BarSeriesOption, type MapSeriesOption } from 'echarts/charts';
import {
  GridComponent,
  TooltipComponent,
  VisualMapComponent,
  type GridComponentOption,
  type TooltipComponentOption,
  type VisualMapComponentOption,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, MapChart, GridComponent, TooltipComponent, VisualMapComponent, CanvasRenderer]);

export { echarts };

/** Options of the charts registered above (type-checked, nothing else compiles). */
export type ChartOption = echarts.ComposeOption<
  BarSeriesOption | MapSeriesOption | GridComponentOption | TooltipComponentOption | VisualMapComponentOption
>;
