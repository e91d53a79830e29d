import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { holdCalls, repoRoot, screenshotPath, startServe, type Served } from './serve-fixture.js';

const CITY_DB = path.resolve(repoRoot, '..', 'shared', 'data', 'geo', 'GeoLite2-City-Test.mmdb');

let served: Served;
let dataDir: string;

test.beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-e2e-settings-'));
  served = await startServe({ dataDir });
});

test.afterAll(async () => {
  await served?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

/** The settings file `vigil serve` wrote (conf's config.json in the data directory). */
function savedOnDisk(): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(dataDir, 'config.json'), 'utf8')) as Record<string, unknown>;
}

async function openSettings(page: Page): Promise<void> {
  await page.goto(`${served.url}#/settings`);
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
  await expect(page.getByRole('form', { name: 'Analyst settings' })).toBeVisible();
}

function section(page: Page, name: 'Analyst' | 'Detection' | 'Geo enrichment' | 'Retention'): Locator {
  return page.getByRole('form', { name: `${name} settings` });
}

function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  return errors;
}

test('edit, save, reload: values persist; invalid values are refused inline; geo path saved', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto(served.url);
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link')).toHaveText(['Dashboard', 'Alerts', 'Hunt', 'Cases', 'Suppressions', 'Scans', 'Findings', 'Playbooks', 'Sources', 'Feed', 'Tools', 'Agents', 'Hosts', 'Settings', 'About']);
  await nav.getByRole('link', { name: 'Settings' }).click();
  expect(new URL(page.url()).hash).toBe('#/settings');
  await expect(nav.getByRole('link', { name: 'Settings' })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeFocused();

  const analyst = section(page, 'Analyst');
  const detection = section(page, 'Detection');
  const geo = section(page, 'Geo enrichment');
  const retention = section(page, 'Retention');
  for (const s of [analyst, detection, geo, retention]) {
    await expect(s.getByRole('button', { name: 'Save' })).toBeDisabled();
    await expect(s.getByRole('button', { name: 'Reset' })).toBeDisabled();
  }
  await expect(page.getByTestId('settings-detection')).toContainText('Applies to new events immediately');
  await expect(geo).toContainText('Nothing is downloaded');

  // Defaults from the contract.
  const name = analyst.getByRole('textbox', { name: 'Analyst name' });
  const brute = detection.getByRole('textbox', { name: 'Brute force' });
  await expect(name).toHaveValue('analyst');
  await expect(brute).toHaveValue('5');
  await expect(analyst.getByRole('switch', { name: 'Require a note to close' })).toBeChecked();
  await expect(detection.getByRole('radiogroup', { name: 'Minimum severity' }).getByRole('radio', { name: 'Low' })).toBeChecked();
  await expect(retention.getByRole('textbox', { name: 'Keep at most' })).toHaveValue('5000000');
  await expect(page.getByTestId('setting-row-eventRetentionMaxRows')).toContainText('5 million');

  // Analyst name: edit, Reset goes back, edit again and save.
  await name.fill('Dana Scully');
  await expect(analyst.getByText('Unsaved changes')).toBeVisible();
  await expect(page.getByTestId('setting-row-analystName')).toHaveAttribute('data-dirty', 'true');
  await analyst.getByRole('button', { name: 'Reset' }).click();
  await expect(name).toHaveValue('analyst');
  await expect(analyst.getByRole('button', { name: 'Save' })).toBeDisabled();
  await name.fill('Dana Scully');
  await analyst.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('settings-analyst-saved')).toHaveText('Saved');
  await expect(analyst.getByRole('button', { name: 'Save' })).toBeDisabled();

  // Brute-force threshold (Enter submits the section's form).
  await brute.fill('8');
  await expect(detection.getByRole('button', { name: 'Save' })).toBeEnabled();
  await brute.press('Enter');
  await expect(page.getByTestId('settings-detection-saved')).toBeVisible();

  // Invalid: a port scan of 1 port. Inline error on blur, Save refused and focus on the field.
  const ports = detection.getByRole('textbox', { name: 'Port scan' });
  await ports.fill('1');
  await ports.blur();
  const portsError = page.getByTestId('setting-error-portScanPorts');
  await expect(portsError).toHaveText('Must be at least 2');
  await expect(ports).toHaveAttribute('aria-invalid', 'true');
  await expect(ports).toHaveAccessibleDescription(/Must be at least 2/);
  await detection.getByRole('button', { name: 'Save' }).click();
  await expect(detection.getByText('Not saved: fix the highlighted field')).toBeVisible();
  await expect(ports).toBeFocused();
  await expect(page.getByTestId('settings-detection-saved')).toBeHidden();
  // Not a number, and too large: same story.
  await ports.fill('abc');
  await expect(portsError).toBeHidden(); // editing clears the message until the next check
  await detection.getByRole('button', { name: 'Save' }).click();
  await expect(portsError).toHaveText('Enter a whole number from 2 to 65,535');
  await ports.fill('70000');
  await detection.getByRole('button', { name: 'Save' }).click();
  await expect(portsError).toHaveText('Must be at most 65,535');
  expect(savedOnDisk()['portScanPorts']).toBe(15);

  // Geo: the backend opens a file before saving it; its refusal lands on the field.
  const city = geo.getByRole('textbox', { name: 'City database' });
  await expect(city).toHaveValue('');
  const missing = path.join(dataDir, 'nowhere', 'GeoLite2-City.mmdb');
  await city.fill(missing);
  await geo.getByRole('button', { name: 'Save' }).click();
  const cityError = page.getByTestId('setting-error-geoCityDb');
  await expect(cityError).toContainText('not found');
  await expect(cityError).toContainText(missing);
  await expect(city).toHaveAttribute('aria-invalid', 'true');
  await expect(city).toBeFocused();
  await expect(page.getByTestId('settings-geo-saved')).toBeHidden();
  // the City file in the ASN slot is refused too
  const asn = geo.getByRole('textbox', { name: 'ASN database' });
  await asn.fill(CITY_DB);
  await city.fill(CITY_DB);
  await expect(cityError).toBeHidden();
  await geo.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('setting-error-geoAsnDb')).toBeVisible();
  await expect(asn).toBeFocused();
  await geo.getByRole('button', { name: 'Clear ASN database' }).click();
  await expect(asn).toHaveValue('');
  await geo.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('settings-geo-saved')).toBeVisible();
  await expect(geo.getByRole('button', { name: 'Clear city database' })).toBeVisible();

  const disk = savedOnDisk();
  expect(disk['analystName']).toBe('Dana Scully');
  expect(disk['bruteForceFailures']).toBe(8);
  expect(disk['geoCityDb']).toBe(CITY_DB);

  // Reload: the saved values come back; the refused port-scan value never reached the backend.
  await page.reload();
  await expect(page.getByRole('form', { name: 'Analyst settings' })).toBeVisible();
  await expect(name).toHaveValue('Dana Scully');
  await expect(brute).toHaveValue('8');
  await expect(ports).toHaveValue('15');
  await expect(city).toHaveValue(CITY_DB);

  await page.locator('.settings-screen').evaluate((el) => el.scrollTo(0, 0));
  await page.waitForTimeout(200);
  await page.screenshot({ path: screenshotPath('settings') });
  await page.setViewportSize({ width: 1440, height: 2100 });
  await page.screenshot({ path: screenshotPath('settings-full') });
  expect(errors).toEqual([]);
});

test('changes made elsewhere show live, and never overwrite unsaved edits', async ({ page, context }) => {
  const errors = collectErrors(page);
  await openSettings(page);
  const other = await context.newPage();
  await openSettings(other);

  // An untouched field follows a save made in the other window.
  await section(other, 'Detection').getByRole('textbox', { name: 'Flood' }).fill('250');
  await section(other, 'Detection').getByRole('button', { name: 'Save' }).click();
  await expect(other.getByTestId('settings-detection-saved')).toBeVisible();
  const flood = section(page, 'Detection').getByRole('textbox', { name: 'Flood' });
  await expect(flood).toHaveValue('250');
  await expect(section(page, 'Detection').getByRole('button', { name: 'Save' })).toBeDisabled();

  // An edited field keeps the edit and says it changed elsewhere.
  const analyst = section(page, 'Analyst');
  const name = analyst.getByRole('textbox', { name: 'Analyst name' });
  const before = await name.inputValue();
  await name.fill('Fox Mulder');
  // an unrelated field in the same section still follows
  await section(other, 'Analyst').getByRole('textbox', { name: 'Alerts per page' }).fill('200');
  await section(other, 'Analyst').getByRole('textbox', { name: 'Analyst name' }).fill('Walter Skinner');
  await section(other, 'Analyst').getByRole('button', { name: 'Save' }).click();
  await expect(other.getByTestId('settings-analyst-saved')).toBeVisible();

  const conflict = page.getByTestId('settings-analyst-conflict');
  await expect(conflict).toContainText('Changed elsewhere — Analyst name was saved from another window');
  await expect(name).toHaveValue('Fox Mulder');
  await expect(page.getByTestId('setting-row-analystName')).toContainText('now saved as Walter Skinner');
  await expect(analyst.getByRole('textbox', { name: 'Alerts per page' })).toHaveValue('200');
  await conflict.getByRole('button', { name: 'Reload' }).click();
  await expect(conflict).toBeHidden();
  await expect(name).toHaveValue('Walter Skinner');
  expect(before).not.toBe('Walter Skinner');

  // Theme through the form: both windows follow.
  await analyst.getByRole('radiogroup', { name: 'Theme' }).getByText('Light').click();
  await expect(analyst.getByRole('radio', { name: 'Light' })).toBeChecked();
  await analyst.getByRole('button', { name: 'Save' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await expect(other.locator('html')).toHaveAttribute('data-theme', 'light');
  await other.close();

  // A refused value in light theme, for the screenshot.
  const ports = section(page, 'Detection').getByRole('textbox', { name: 'Port scan' });
  await ports.fill('1');
  await section(page, 'Detection').getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('setting-error-portScanPorts')).toBeVisible();
  await page.locator('.settings-screen').evaluate((el) => el.scrollTo(0, 380));
  await page.waitForTimeout(200);
  await page.screenshot({ path: screenshotPath('settings-light') });

  await section(page, 'Detection').getByRole('button', { name: 'Reset' }).click();
  await expect(ports).toHaveValue('15');
  // keyboard: arrows move within the radio group
  await analyst.getByRole('radio', { name: 'Light' }).focus();
  await page.keyboard.press('ArrowLeft');
  await expect(analyst.getByRole('radio', { name: 'Dark' })).toBeChecked();
  await analyst.getByRole('button', { name: 'Save' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  expect(errors).toEqual([]);
});

test('loading and error states: skeleton panels, then a retry when settings.get fails', async ({ page }) => {
  // Hold settings.get on the socket: the first one fails, the retry goes through.
  const hold = await holdCalls(page, ['settings.get']);
  await page.goto(`${served.url}#/settings`);
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
  await expect(page.getByTestId('settings-loading')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Analyst', level: 2 })).toBeVisible();
  await expect(page.getByRole('form', { name: 'Analyst settings' })).toHaveCount(0);

  await expect.poll(() => hold.held.length).toBeGreaterThan(0);
  hold.holding.delete('settings.get');
  hold.held.at(-1)!.fail('INTERNAL', 'database is locked');
  const alert = page.getByRole('alert').filter({ hasText: 'Settings could not be loaded' });
  await expect(alert).toContainText('database is locked');
  await page.screenshot({ path: screenshotPath('settings-error') });
  await alert.getByRole('button', { name: 'Try again' }).click();
  await expect(page.getByRole('form', { name: 'Analyst settings' })).toBeVisible();
  await expect(alert).toBeHidden();
});
