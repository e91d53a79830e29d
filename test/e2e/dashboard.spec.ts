import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { GEO_TEST_DBS, repoRoot, screenshotPath, simulate, startServe, vigil, writeSettings, type Served } from './serve-fixture.js';

let served: Served;
let dataDir: string;

test.beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-e2e-dash-'));
  // Geo databases first, so the simulator's attacker addresses get their countries.
  writeSettings(dataDir, { ...GEO_TEST_DBS });
  await simulate(dataDir, 'mixed', 400, 5, 1);
  served = await startServe({ dataDir });
});

test.afterAll(async () => {
  await served?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

function num(text: string | null): number {
  return Number((text ?? '').replace(/[^\d.]/g, ''));
}

async function openDashboard(page: Page): Promise<void> {
  await page.goto(served.url);
  await expect(page.getByRole('heading', { name: 'Dashboard', level: 1 })).toBeVisible();
  await expect(page.getByTestId('kpi-alerts-value')).toBeVisible();
}

test('the dashboard is the landing screen and shows the seeded data', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await openDashboard(page);
  expect(new URL(page.url()).hash).toBe('#/dashboard');
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link')).toHaveText(['Dashboard', 'Alerts', 'Hunt', 'Cases', 'Suppressions', 'Scans', 'Findings', 'Playbooks', 'Sources', 'Feed', 'Tools', 'Agents', 'Hosts', 'Settings', 'About']);
  await expect(nav.getByRole('link', { name: 'Dashboard' })).toHaveAttribute('aria-current', 'page');

  // KPI tiles
  await expect.poll(async () => num(await page.getByTestId('kpi-alerts-value').textContent())).toBeGreaterThan(0);
  const prio = await Promise.all(['p1', 'p2', 'p3', 'p4'].map(async (p) => num(await page.getByTestId(`kpi-${p}-value`).textContent())));
  expect(prio.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  await expect(page.getByTestId('kpi-mtta-value')).toHaveText('—');

  // Trend: a canvas plus its text alternative with at least one interval
  const trend = page.getByRole('figure', { name: 'Alert trend by severity' });
  await expect(trend.locator('canvas')).toHaveCount(1);
  const trendTable = page.getByTestId('trend-table');
  await expect(trendTable.locator('tbody tr').first()).toBeAttached();
  await expect(page.getByRole('list', { name: 'Alerts in range by severity' }).getByRole('listitem')).toHaveCount(5);
  // its tooltip, HTML the chart writes, is laid out by classes (the CSP blocks style attributes):
  // a row per severity with its colour, and the total
  const canvas = (await trend.locator('canvas').boundingBox())!;
  await page.mouse.move(canvas.x + canvas.width * 0.97, canvas.y + canvas.height / 2);
  const tip = trend.locator('.chart-tip-total');
  await expect(tip).toBeVisible();
  expect(await tip.evaluate((el) => getComputedStyle(el).display)).toBe('flex');
  const swatch = trend.locator('.chart-tip-swatch').first();
  const sev = (await swatch.getAttribute('class'))!.match(/sev-(\w+)/)![1]!;
  expect(await swatch.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(
    await page.evaluate((s) => {
      const probe = document.createElement('span');
      probe.style.color = getComputedStyle(document.documentElement).getPropertyValue(`--sev-${s}`);
      document.body.append(probe);
      const c = getComputedStyle(probe).color;
      probe.remove();
      return c;
    }, sev),
  );
  await page.mouse.move(0, 0);

  // Top lists
  const srcList = page.getByRole('list', { name: 'Top source IPs by events' });
  await expect(srcList.getByRole('listitem').first()).toBeVisible();
  await expect(srcList.getByRole('link').first()).toHaveAttribute('href', /^#\/alerts\?src_ip=/);
  const rules = page.getByRole('list', { name: 'Top detection rules by events' });
  await expect(rules.getByRole('listitem').first()).toBeVisible();

  // Countries and the map (geo from the MaxMind test databases)
  const countries = page.getByRole('list', { name: 'Top source countries by events' });
  await expect(countries).toContainText('United Kingdom');
  const map = page.getByRole('figure', { name: /World map of source countries/ });
  await expect(map.locator('canvas')).toHaveCount(1);
  await expect(page.getByTestId('map-table')).toContainText('(GB)');

  // ATT&CK matrix: 14 tactic columns, at least one hit, "show all" reveals the rest
  const matrix = page.getByTestId('attack-matrix');
  await expect(matrix.getByRole('heading', { level: 3 })).toHaveCount(14);
  const hits = matrix.locator('a.attack-cell.hit');
  await expect(hits.first()).toBeVisible();
  await expect(hits.first()).toHaveAttribute('href', /technique=T\d{4}/);
  const hitCount = await hits.count();
  const showAll = page.getByRole('button', { name: 'Show all techniques' });
  await showAll.click();
  await expect(showAll).toHaveAttribute('aria-pressed', 'true');
  expect(await matrix.locator('.attack-cell').count()).toBeGreaterThan(hitCount * 3);
  await showAll.click();
  await expect(matrix.locator('.attack-cell')).toHaveCount(await hits.count());

  // Pipeline health
  const pipeline = page.getByRole('region', { name: 'Pipeline health' });
  await expect(pipeline.getByRole('list', { name: 'Sources' })).toContainText('mixed');
  await expect(page.getByTestId('quarantine-link')).toHaveAttribute('href', '#/sources');

  await page.locator('.dashboard-screen').evaluate((el) => el.scrollTo(0, 0));
  await page.waitForTimeout(300);
  await page.screenshot({ path: screenshotPath('dashboard') });
  await page.setViewportSize({ width: 1440, height: 2000 });
  await page.screenshot({ path: screenshotPath('dashboard-full') });
  expect(errors).toEqual([]);
});

test('the time range picker drives every panel', async ({ page }) => {
  await openDashboard(page);
  await expect.poll(async () => num(await page.getByTestId('kpi-alerts-value').textContent())).toBeGreaterThan(0);
  const inDay = num(await page.getByTestId('kpi-alerts-value').textContent());

  // Mark the chart's canvas: a remount would replace the element and lose the mark.
  const trendCanvas = page.getByRole('figure', { name: 'Alert trend by severity' }).locator('canvas');
  await trendCanvas.evaluate((el) => el.setAttribute('data-e2e-mark', 'kept'));

  const range = page.getByRole('group', { name: 'Time range' });
  await range.getByRole('button', { name: 'Last 15 minutes' }).click();
  await expect(range.getByRole('button', { name: 'Last 15 minutes' })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('trend-table').locator('caption')).toContainText('per 30 s');
  await expect.poll(async () => num(await page.getByTestId('kpi-alerts-value').textContent())).toBe(inDay);

  // A custom window in the past holds nothing: every panel follows.
  await range.getByRole('button', { name: 'Custom' }).click();
  const dialog = page.getByRole('dialog', { name: 'Custom range' });
  const local = (ms: number) => {
    const d = new Date(ms);
    const p = (n: number) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
  };
  await dialog.getByLabel('From').fill(local(Date.now() - 3 * 86_400_000));
  await dialog.getByLabel('To').fill(local(Date.now() - 2 * 86_400_000));
  await dialog.getByRole('button', { name: 'Apply range' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('kpi-alerts-value')).toHaveText('0');
  await expect(page.getByRole('heading', { name: 'No alerts in this time range' })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Top source IPs by events' })).toHaveCount(0);
  await expect(page.getByTestId('attack-matrix').locator('a.attack-cell.hit')).toHaveCount(0);
  // The charts stay mounted (no remount on refresh), only their data changes.
  await expect(trendCanvas).toHaveAttribute('data-e2e-mark', 'kept');

  await range.getByRole('button', { name: 'Last 24 hours' }).click();
  await expect.poll(async () => num(await page.getByTestId('kpi-alerts-value').textContent())).toBe(inDay);
  await expect(page.getByRole('heading', { name: 'No alerts in this time range' })).toBeHidden();
});

test('clicks go through to the filtered Alerts screen', async ({ page }) => {
  await openDashboard(page);
  const first = page.getByRole('list', { name: 'Top source IPs by events' }).getByRole('link').first();
  await expect(first).toBeVisible();
  const href = await first.getAttribute('href');
  await first.click();
  await expect(page.getByRole('heading', { name: 'Alerts', level: 1 })).toBeVisible();
  expect(new URL(page.url()).hash).toBe(href);
  expect(href).toMatch(/^#\/alerts\?src_ip=[\d.]+&from=/);

  await page.goBack();
  await expect(page.getByRole('heading', { name: 'Dashboard', level: 1 })).toBeVisible();
  await page.getByTestId('kpi-p3').click();
  await expect(page.getByRole('heading', { name: 'Alerts', level: 1 })).toBeVisible();
  // the P1-P4 tiles count open alerts seen in the selected range, and their link keeps it
  expect(decodeURIComponent(new URL(page.url()).hash)).toMatch(/^#\/alerts\?status=NEW,ACKNOWLEDGED,INVESTIGATING&priority=P3&from=\d{4}-\d\d-\d\dT[\d:.]+Z$/);
});

test('dark and light themes both render the dashboard', async ({ page }) => {
  await openDashboard(page);
  await expect(page.getByTestId('attack-matrix').locator('a.attack-cell.hit').first()).toBeVisible();
  await page.getByRole('button', { name: 'Switch to light theme' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  // The charts re-theme in place: give the canvas a moment to animate to the new colours.
  await page.locator('.dashboard-screen').evaluate((el) => el.scrollTo(0, 0));
  await page.waitForTimeout(800);
  await page.screenshot({ path: screenshotPath('dashboard-light') });
  await page.getByRole('button', { name: 'Switch to dark theme' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
});

test('an empty range offers the 7 days up to the newest alert when that alert is older than a week', async ({ page }) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-e2e-dash-old-'));
  // alerts of 2026-11-21, imported after the fact (an eve.json read weeks later)
  const fixture = path.join(repoRoot, 'test', 'fixtures', 'eve', 'alerts.jsonl');
  const code = await new Promise<number | null>((resolve) => vigil(['ingest', '--format', 'eve', fixture, '--data-dir', dir]).once('exit', resolve));
  expect(code).toBe(0);
  const old = await startServe({ dataDir: dir });
  try {
    await page.goto(old.url);
    const empty = page.getByTestId('dashboard-empty');
    await expect(empty).toBeVisible();
    // not "the last 7 days", which would be as empty
    await expect(empty.getByRole('button', { name: 'Show the last 7 days' })).toHaveCount(0);
    await page.screenshot({ path: screenshotPath('dashboard-empty-older-alerts') });
    await empty.getByRole('button', { name: /^Show the 7 days to Nov 2\d, \d\d:\d\d$/ }).click();
    await expect(empty).toBeHidden();
    await expect.poll(async () => num(await page.getByTestId('kpi-alerts-value').textContent())).toBeGreaterThan(0);
  } finally {
    await old.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
