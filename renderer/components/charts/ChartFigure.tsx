import type { KeyboardEvent, ReactNode, RefObject } from 'react';

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
  /** A chart the keyboard works: the figure takes the focus and these handle its keys. */
  keys?:
    | {
        onKeyDown: (e: KeyboardEvent<HTMLElement>) => void;
        onBlur: () => void;
        /** The id of the text saying which keys do what. */
        describedBy: string;
      }
    | undefined;
  /** Text beside the chart for assistive technology (a live region saying what the keys picked). */
  note?: ReactNode;
}

/**
 * A canvas chart with its text alternative. The canvas is hidden from assistive technology;
 * the alternative (a table or a list) carries the same data.
 */
export function ChartFigure({ chartRef, label, height, alternative, overlay, testId, keys, note }: ChartFigureProps) {
  return (
    <figure
      className="chart-figure"
      aria-label={label}
      data-testid={testId}
      {...(keys ? { tabIndex: 0, onKeyDown: keys.onKeyDown, onBlur: keys.onBlur, 'aria-describedby': keys.describedBy } : {})}
    >
      <div ref={chartRef} className="chart-canvas" style={{ minHeight: height }} aria-hidden="true" />
      {overlay ? <div className="chart-overlay">{overlay}</div> : null}
      {note}
      {alternative}
    </figure>
  );
}
