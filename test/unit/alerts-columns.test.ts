import { describe, expect, it } from 'vitest';
import type {} from '../../renderer/api/global.js';
import { COLUMN_DEFS, COMPACT_COLUMNS, DEFAULT_COLUMNS, fitColumns, gridTemplate, TITLE_COMFORT, TITLE_MIN } from '../../renderer/features/alerts/columns.js';

/** The grid's inner width beside the navigation at a window width (nav 184 px, padding 2 × 20, borders). */
const gridWidth = (windowWidth: number) => windowWidth - 184 - 40 - 2 - 2;

describe('alerts table fit', () => {
  it('at 1280 px the default columns fit without sideways scrolling: low-value ones collapse first', () => {
    const { shown, collapsed } = fitColumns(DEFAULT_COLUMNS, gridWidth(1280));
    expect(gridTemplate(shown).min).toBeLessThanOrEqual(gridWidth(1280));
    expect(collapsed.slice(0, 2)).toEqual(['source', 'count']);
    for (const key of ['severity', 'status', 'title', 'host', 'src', 'last_seen'] as const) expect(shown).toContain(key);
  });

  it('at 1440 px only low-value columns make room, and the title gets a comfortable width', () => {
    const width = gridWidth(1440);
    const { shown, collapsed } = fitColumns(DEFAULT_COLUMNS, width);
    expect(collapsed).toEqual(['source', 'count']);
    const titleWidth = width - gridTemplate(shown).min + TITLE_MIN;
    expect(titleWidth).toBeGreaterThanOrEqual(TITLE_COMFORT);
  });

  it('keeps everything on a wide screen, and never drops the last column', () => {
    expect(fitColumns(DEFAULT_COLUMNS, 2400)).toEqual({ shown: [...DEFAULT_COLUMNS], collapsed: [] });
    expect(fitColumns(['last_seen'], 100).shown).toEqual(['last_seen']);
    expect(fitColumns(DEFAULT_COLUMNS, 0).collapsed).toEqual([]); // not measured yet
  });

  it('an address column holds a whole IPv4 address in the mono font', () => {
    // 15 characters of a 12 px monospace font (0.6 em) plus the cell padding
    expect(COLUMN_DEFS.src.min).toBeGreaterThanOrEqual(15 * 12 * 0.6 + 16);
  });

  it('beside an open alert at 1280 px the compact list fits: the title shrinks, nothing scrolls sideways', () => {
    // the list pane at 1280 px is about 378 px wide; severity, status and title cannot collapse
    const { shown } = fitColumns(COMPACT_COLUMNS, 378);
    expect(shown).toEqual([...COMPACT_COLUMNS]);
    expect(gridTemplate(shown).floor).toBeLessThanOrEqual(378);
    // where there is room, the title keeps its fitted minimum
    expect(gridTemplate(DEFAULT_COLUMNS).floor).toBeLessThan(gridTemplate(DEFAULT_COLUMNS).min);
  });
});
