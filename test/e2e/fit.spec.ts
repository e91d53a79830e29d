import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { screenshotPath, simulate, startServe, useTheme, type Served } from './serve-fixture.js';

/**
 * Fit and finish on every screen (issue 9): text contrast meets WCAG AA in both themes, and at
 * 1280x720 nothing scrolls sideways (the alerts table fits).
 */

test.describe.configure({ mode: 'serial' });

let served: Served;
let dataDir: string;
let alertId: number;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-fit-'));
  await simulate(dataDir, 'mixed', 300, 5, 3);
  served = await startServe({ dataDir });
});

test.afterAll(async () => {
  await served?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Every screen, as a hash route and what shows it is loaded. */
const SCREENS: ReadonlyArray<{ name: string; hash: () => string; ready: (page: Page) => Promise<void> }> = [
  { name: 'dashboard', hash: () => '#/dashboard', ready: (p) => expect(p.getByTestId('kpi-tiles').or(p.getByRole('heading', { name: 'Dashboard' }))).toBeVisible() },
  { name: 'alerts', hash: () => '#/alerts', ready: (p) => expect(p.getByRole('grid', { name: 'Alerts' }).locator('[data-row-id]').first()).toBeVisible() },
  { name: 'alert-detail', hash: () => `#/alerts/${alertId}`, ready: (p) => expect(p.getByTestId('history')).toBeVisible() },
  { name: 'suppressions', hash: () => '#/suppressions', ready: (p) => expect(p.getByTestId('suppression-row').first()).toBeVisible() },
  { name: 'sources', hash: () => '#/sources', ready: (p) => expect(p.getByTestId('source-row').first()).toBeVisible() },
  { name: 'feed', hash: () => '#/feed', ready: (p) => expect(p.getByRole('heading', { name: 'Feed', level: 1 })).toBeVisible() },
  { name: 'hosts', hash: () => '#/hosts', ready: (p) => expect(p.getByTestId('host-row').first()).toBeVisible() },
  // the simulator's DNS server (main/pipeline/sources/sim/world.ts): every mixed run names it
  { name: 'host-page', hash: () => '#/hosts/10.0.0.53', ready: (p) => expect(p.getByTestId('host-recent').first()).toBeVisible() },
  { name: 'settings', hash: () => '#/settings', ready: (p) => expect(p.getByTestId('settings-analyst')).toBeVisible() },
  { name: 'about', hash: () => '#/about', ready: (p) => expect(p.getByRole('heading', { level: 1 })).toBeVisible() },
];

interface LowContrast {
  text: string;
  ratio: number;
  need: number;
  color: string;
  background: string;
  where: string;
}

/**
 * Every visible text of the page whose colour, over its effective background (the layers under
 * it composited up to the first opaque one), is below WCAG AA: 4.5:1, or 3:1 for large text
 * (24 px, or 18.66 px bold). Disabled controls are exempt (WCAG 1.4.3).
 */
function lowContrast(page: Page): Promise<LowContrast[]> {
  return page.evaluate(() => {
    type RGBA = [number, number, number, number];
    const probe = document.createElement('canvas').getContext('2d')!;
    const parse = (c: string): RGBA => {
      const srgb = /^color\(srgb ([\d.e-]+) ([\d.e-]+) ([\d.e-]+)(?: \/ ([\d.e-]+))?\)$/.exec(c);
      if (srgb) return [Number(srgb[1]) * 255, Number(srgb[2]) * 255, Number(srgb[3]) * 255, srgb[4] === undefined ? 1 : Number(srgb[4])];
      const m = /^rgba?\(([\d.]+),? ([\d.]+),? ([\d.]+)(?:,? \/? ?([\d.]+))?\)$/.exec(c);
      if (m) return [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? 1 : Number(m[4])];
      // anything else (oklch, ...): let the canvas convert it
      probe.clearRect(0, 0, 1, 1);
      probe.fillStyle = c;
      probe.fillRect(0, 0, 1, 1);
      const d = probe.getImageData(0, 0, 1, 1).data;
      return [d[0]!, d[1]!, d[2]!, d[3]! / 255];
    };
    const over = (top: RGBA, under: RGBA): RGBA => {
      const a = top[3] + under[3] * (1 - top[3]);
      if (a === 0) return [0, 0, 0, 0];
      const ch = (i: number) => (top[i]! * top[3] + under[i]! * under[3] * (1 - top[3])) / a;
      return [ch(0), ch(1), ch(2), a];
    };
    const lum = ([r, g, b]: RGBA) => {
      const f = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const background = (el: Element): RGBA => {
      const layers: RGBA[] = [];
      for (let e: Element | null = el; e; e = e.parentElement) {
        const bg = parse(getComputedStyle(e).backgroundColor);
        if (bg[3] > 0) layers.push(bg);
        if (bg[3] >= 1) break;
      }
      let out: RGBA = parse(getComputedStyle(document.documentElement).backgroundColor);
      if (out[3] < 1) out = [255, 255, 255, 1];
      for (const l of layers.reverse()) out = over(l, out);
      return out;
    };
    const opacity = (el: Element) => {
      let o = 1;
      for (let e: Element | null = el; e; e = e.parentElement) o *= Number(getComputedStyle(e).opacity);
      return o;
    };
    const path = (el: Element) => {
      const parts: string[] = [];
      for (let e: Element | null = el; e && parts.length < 4; e = e.parentElement) parts.unshift(e.tagName.toLowerCase() + (e.classList.length ? `.${Array.from(e.classList).join('.')}` : ''));
      return parts.join(' > ');
    };

    const out: LowContrast[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const seen = new Set<Element>();
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || seen.has(el) || !n.textContent?.trim()) continue;
      seen.add(el);
      if (el.closest('[aria-hidden="true"], .visually-hidden, :disabled, [aria-disabled="true"], option, script, style')) continue;
      const box = el.getBoundingClientRect();
      if (box.width === 0 || box.height === 0 || box.bottom < 0 || box.top > innerHeight || box.right < 0 || box.left > innerWidth) continue;
      const cs = getComputedStyle(el);
      if (cs.visibility !== 'visible') continue;
      const fg = parse(cs.color);
      const o = opacity(el);
      if (o === 0) continue;
      const bg = background(el);
      const text = over([fg[0], fg[1], fg[2], fg[3] * o], bg);
      const [hi, lo] = [lum(text), lum(bg)].sort((a, b) => b - a) as [number, number];
      const ratio = (hi + 0.05) / (lo + 0.05);
      const size = parseFloat(cs.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(cs.fontWeight) >= 700);
      const need = large ? 3 : 4.5;
      if (ratio < need - 0.005)
        out.push({ text: n.textContent.trim().slice(0, 40), ratio: Math.round(ratio * 100) / 100, need, color: cs.color, background: `rgb(${bg.slice(0, 3).map(Math.round).join(', ')})`, where: path(el) });
    }
    return out;
  });
}

async function show(page: Page, screen: (typeof SCREENS)[number]): Promise<void> {
  await page.goto(`${served.url}${screen.hash()}`);
  await screen.ready(page);
  // let charts, polls and fades settle
  await page.waitForTimeout(600);
}

test('setup: an alert with history and a suppression rule, so every screen has content', async ({ page }) => {
  await page.goto(`${served.url}#/alerts?source=wazuh&src_ip=0.0.0.0/0`);
  const grid = page.getByRole('grid', { name: 'Alerts' });
  const row = grid.locator('[data-row-id]').first();
  await expect(row).toBeVisible({ timeout: 20_000 });
  alertId = Number(await row.getAttribute('data-row-id'));
  await row.click();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('alert-detail').getByTestId('history')).toBeVisible();
  await page.keyboard.press('s');
  const dialog = page.getByRole('dialog', { name: `Suppress alerts like #${alertId}` });
  await dialog.getByRole('textbox').fill('Contrast check');
  await dialog.getByRole('button', { name: 'Create suppression' }).click();
  await expect(dialog).toBeHidden();
});

for (const theme of ['dark', 'light'] as const) {
  test(`text contrast meets WCAG AA on every screen, ${theme} theme`, async ({ page }) => {
    test.setTimeout(120_000);
    await page.goto(`${served.url}#/dashboard`);
    await useTheme(page, theme);
    const failures: string[] = [];
    for (const screen of SCREENS) {
      await show(page, screen);
      for (const f of await lowContrast(page)) failures.push(`${screen.name}: "${f.text}" ${f.ratio}:1 < ${f.need}:1 (${f.color} on ${f.background}) at ${f.where}`);
    }
    expect(failures, failures.join('\n')).toEqual([]);
  });
}

test('at 1280x720 no screen scrolls sideways, and the alerts table shows whole addresses', async ({ page }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1280, height: 720 });
  for (const theme of ['light', 'dark'] as const) {
    await page.goto(`${served.url}#/dashboard`);
    await useTheme(page, theme);
    for (const screen of SCREENS) {
      await show(page, screen);
      const wide = await page.evaluate(() =>
        [document.scrollingElement!, ...Array.from(document.querySelectorAll('main, main *'))]
          .filter((e) => {
            const s = getComputedStyle(e);
            return (e === document.scrollingElement || /auto|scroll/.test(s.overflowX)) && e.scrollWidth > e.clientWidth + 1;
          })
          .map((e) => `${e.tagName.toLowerCase()}.${Array.from(e.classList).join('.')} ${e.scrollWidth} > ${e.clientWidth}`),
      );
      expect(wide, `${screen.name} (${theme}) scrolls sideways`).toEqual([]);
      await page.screenshot({ path: screenshotPath(`fit-1280-${theme}-${screen.name}`) });
    }
  }
  // addresses are never cut mid-address: each shown address cell holds a whole IP
  await show(page, SCREENS[1]!);
  const cells = await page.getByRole('grid', { name: 'Alerts' }).locator('[role="gridcell"].c-src, [role="gridcell"].c-dst').evaluateAll((els) =>
    els.map((e) => ({ text: (e as HTMLElement).innerText.trim(), cut: e.scrollWidth > e.clientWidth + 1 })),
  );
  expect(cells.length).toBeGreaterThan(0);
  for (const c of cells) {
    expect(c.cut, `${c.text} is cut`).toBe(false);
    expect(c.text).toMatch(/^(—|[\d.]+|[0-9a-f:]+)$/i);
  }
});

test('a screen heading over its lede is as wide as its text: its focus ring does not cross the lede', async ({ page }) => {
  for (const screen of SCREENS) {
    await show(page, screen);
    const boxes = await page.evaluate(() =>
      Array.from(document.querySelectorAll('main .screen-title')).map((t) => {
        const h = t.querySelector('h1');
        const lede = t.querySelector('.screen-lede');
        if (!h || !lede) return null;
        const range = document.createRange();
        range.selectNodeContents(h);
        return { heading: h.getBoundingClientRect().width, text: range.getBoundingClientRect().width };
      }),
    );
    for (const b of boxes) {
      if (!b) continue;
      expect(b.heading, `${screen.name}: the heading's box is its text's`).toBeLessThanOrEqual(b.text + 1);
    }
  }
});
