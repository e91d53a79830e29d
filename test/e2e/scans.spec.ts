import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { startSpiderFootSimulator, type SpiderFootSimulator } from '../simulators/spiderfoot/index.js';
import { runVigil, screenshotPath, startServe, type Served } from './serve-fixture.js';

// SpiderFoot without a login needs no secret, so this runs without a keychain. (ZAP takes an API
// key from the vault: its scans are covered against the simulator in test/integration.)
let quick: SpiderFootSimulator;
let stuck: SpiderFootSimulator;
let served: Served;
let dataDir: string;

test.beforeAll(async () => {
  quick = await startSpiderFootSimulator({ seedRecorded: false, startupMs: 200, durationMs: 4000 });
  stuck = await startSpiderFootSimulator({ seedRecorded: false, stall: true });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-e2e-scans-'));
  for (const [name, sim] of [['OSINT', quick], ['Stuck SF', stuck]] as const) {
    const r = await runVigil(['connectors', 'add', 'spiderfoot', '--name', name, '--url', sim.url, '--set', 'serverTimeZone=UTC', '--data-dir', dataDir]);
    expect(r.stderr).toBe('');
  }
  served = await startServe({ dataDir });
});

test.afterAll(async () => {
  await served?.stop();
  await quick?.close();
  await stuck?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function goto(page: Page, screen: 'Scans' | 'Findings'): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: screen }).click();
  await expect(page.getByRole('heading', { name: screen, level: 1 })).toBeVisible();
}

async function startScan(page: Page, scanner: string, target: string, stallMinutes: string): Promise<void> {
  await page.getByTestId('new-scan').click();
  const dialog = page.getByTestId('start-scan-dialog');
  await dialog.getByLabel('Scanner').selectOption({ label: `${scanner} (SpiderFoot)` });
  await dialog.getByTestId('scan-target').fill(target);
  await dialog.getByLabel(/Flag as stalled after/).fill(stallMinutes);
  await dialog.getByTestId('start-scan-confirm').click();
  await expect(dialog).toBeHidden();
}

test('start scans, watch them, see a stall flagged, mark a finding false positive, re-import: it stays so', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto(served.url);
  await goto(page, 'Scans');
  await expect(page.getByRole('heading', { name: 'No scans yet' })).toBeVisible();

  await startScan(page, 'OSINT', 'example.com', '15');
  await startScan(page, 'Stuck SF', 'stuck.example.org', '1');
  const done = page.getByTestId('scan-row-1');
  await expect(done).toContainText('Finished', { timeout: 60_000 });
  await expect(done.getByTestId('scan-progress')).toContainText('100 %');

  // the stuck scan: after a minute without progress, "Stalled since" instead of its last figure
  const stalled = page.getByTestId('scan-row-2');
  await expect(stalled).toContainText('Running');
  await expect(stalled.getByTestId('scan-progress')).toContainText('Stalled since', { timeout: 120_000 });
  await stalled.click();
  await expect(page.getByTestId('scan-log')).toContainText('no progress since');
  await page.screenshot({ path: screenshotPath('scans') });

  // findings of the finished scan: mark one false positive
  await done.getByRole('link').click();
  await expect(page.getByRole('heading', { name: 'Findings', level: 1 })).toBeVisible();
  const table = page.getByTestId('findings-table');
  const first = table.locator('tbody tr').first();
  await expect(first).toBeVisible();
  const title = (await first.locator('td').nth(8).textContent())!;
  await first.click();
  await page.getByTestId('mark-false-positive').click();
  await expect(page.getByTestId('finding-status')).toHaveText('False positive');
  await expect(page.getByTestId('finding-detail')).toContainText('→ False positive');

  // re-import the scan: the finding keeps its status
  await goto(page, 'Scans');
  await done.getByRole('button', { name: 'Re-import' }).click();
  await expect(page.getByText('Scan #1 imported')).toBeVisible();
  await goto(page, 'Findings');
  await page.getByTestId('filter-status').selectOption('false_positive');
  await expect(table.locator('tbody tr')).toHaveCount(1);
  await expect(table.locator('tbody tr').first()).toContainText(title);
  await page.screenshot({ path: screenshotPath('findings') });

  // link the finding to a case: the case's Findings tab lists it, and Unlink takes it off
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cases' }).click();
  await page.getByTestId('new-case').click();
  const form = page.getByRole('dialog', { name: 'New case' });
  await form.getByRole('textbox', { name: /Title/ }).fill('Exposed web server');
  await form.getByRole('button', { name: 'Create case' }).click();
  await expect(form).toBeHidden();
  await goto(page, 'Findings');
  await page.getByTestId('filter-status').selectOption('false_positive');
  await table.locator('tbody tr').first().click();
  await page.getByTestId('link-to-case').click();
  const link = page.getByRole('dialog', { name: /^Link finding #\d+ to a case$/ });
  await expect(link.getByRole('combobox', { name: 'Case' })).toContainText('Exposed web server');
  await link.getByRole('button', { name: 'Link' }).click();
  await expect(link).toBeHidden();
  await page.getByRole('link', { name: 'Open the case' }).click();
  await expect(page.getByTestId('tab-findings')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('tab-findings')).toContainText('1');
  const linked = page.getByTestId('case-findings');
  await expect(linked.locator('tbody tr')).toHaveCount(1);
  await expect(linked).toContainText(title.trim());
  await page.screenshot({ path: screenshotPath('case-findings') });
  await linked.getByRole('button', { name: /^Unlink finding/ }).click();
  await expect(page.getByText('No scan finding is linked to this case.')).toBeVisible();
});

test('with no scanner connected, the start dialog says so and leads to Tools instead of an empty form', async ({ page }) => {
  const empty = await startServe();
  try {
    await page.goto(empty.url);
    await goto(page, 'Scans');
    await page.getByTestId('new-scan').click();
    const dialog = page.getByTestId('start-scan-dialog');
    await expect(dialog.getByRole('heading', { name: 'No scanner connected' })).toBeVisible();
    await expect(dialog.getByLabel('Scanner')).toHaveCount(0);
    await expect(dialog.getByTestId('start-scan-confirm')).toHaveCount(0);
    await page.screenshot({ path: screenshotPath('scans-no-scanner') });
    await dialog.getByRole('link', { name: 'Connect a scanner' }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByRole('heading', { name: 'Tools', level: 1 })).toBeVisible();
  } finally {
    await empty.stop();
  }
});
