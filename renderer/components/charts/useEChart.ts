import { useEffect, useRef, type MutableRefObject, type RefObject } from 'react';
import { echarts, type ChartOption } from './echarts.js';

type Handler = (params: unknown) => void;

/**
 * The option as applied: without animation when the system asks for reduced motion, as the
 * stylesheet already does for every CSS animation and transition (base.css).
 */
export function motionAware(option: ChartOption, reduceMotion: boolean): ChartOption {
  // always set: options are merged, and a preference turned off again must bring animation back
  return { ...option, animation: reduceMotion ? false : (option.animation ?? true) };
}

function reducedMotion(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
}

export interface UseEChartOptions {
  /** ECharts events ('click', ...); handlers may change between renders. */
  on?: Record<string, Handler>;
  /**
   * Set to the chart while it is mounted (for actions such as showing a bar's tooltip), else null:
   * the same ref for the component's life (the one given when it mounted is the one set).
   */
  instance?: MutableRefObject<echarts.ECharts | null>;
}

/**
 * Mounts one ECharts instance (canvas renderer) on the returned element for the component's
 * whole life, and applies `option` with setOption (notMerge false) whenever it changes, so live
 * refreshes animate from the previous values instead of re-creating the chart. Resizes with its
 * container. `option` null leaves the chart as it is (previous data stays visible).
 */
export function useEChart(option: ChartOption | null, opts: UseEChartOptions = {}): RefObject<HTMLDivElement | null> {
  const el = useRef<HTMLDivElement | null>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const handlers = useRef(opts.on);
  const lastOption = useRef<ChartOption | null>(null);

  useEffect(() => {
    handlers.current = opts.on;
  });

  useEffect(() => {
    const node = el.current;
    if (!node) return;
    const instance = echarts.init(node, undefined, { renderer: 'canvas' });
    chart.current = instance;
    if (opts.instance) opts.instance.current = instance;
    // Re-apply the last option (StrictMode mounts effects twice in development).
    if (lastOption.current) instance.setOption(motionAware(lastOption.current, reducedMotion()));
    const names = ['click', 'mouseover', 'mouseout'];
    for (const name of names) instance.on(name, (p: unknown) => handlers.current?.[name]?.(p));
    let frame = 0;
    const ro = new ResizeObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => instance.resize());
    });
    ro.observe(node);
    return () => {
      cancelAnimationFrame(frame);
      ro.disconnect();
      instance.dispose();
      chart.current = null;
      if (opts.instance) opts.instance.current = null;
    };
  }, []);

  useEffect(() => {
    if (!option) return;
    lastOption.current = option;
    chart.current?.setOption(motionAware(option, reducedMotion()), { notMerge: false, lazyUpdate: true });
  }, [option]);

  return el;
}
