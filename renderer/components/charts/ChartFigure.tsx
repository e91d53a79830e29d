import type { ReactNode, RefObject } from 'react';

interface ChartFigureProps {
  /** The element useEChart draws into. */
  chartRef: RefObject<HTMLDivElement | null>;
  /** Accessible name of the figure ("Alert trend by severity"). */
  label: string;
  /** Minimum height; the chart grows with its panel. */
  height: number;
  /** Text alternative: usually a visually-hidden table with the same numbers. */
  alternative: ReactNode;
  /** Shown over the canvas (loading / no data); the chart stays mounted underneath. */
  overlay?: ReactNode;
  testId?: string;
}

/**
 * A canvas chart with its text alternative. The canvas is hidden from assistive technology;
 * the alternative (a table or a list) carries the same data.
 */
export function ChartFigure({ chartRef, label, height, alternative, overlay, testId }: ChartFigureProps) {
  return (
    <figure className="chart-figure" aria-label={label} data-testid={testId}>
      <div ref={chartRef} className="chart-canvas" style={{ minHeight: height }} aria-hidden="true" />
      {overlay ? <div className="chart-overlay">{overlay}</div> : null}
      {alternative}
    </figure>
  );
}
