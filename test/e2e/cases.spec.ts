import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { screenshotPath, simulate, startServe, type Served } from './serve-fixture.js';

/**
 * The case workflow against a real `vigil serve`: escalate alerts from the alerts screen with the
 * keyboard, see the case, add a note (rendered safely), see and flag observables, close it with a
 * resolution, and write a report that verifies against its manifest.
 */

test.describe.configure({ mode: 'serial' });

let served: Served;
let dataDir: string;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-cases-'));
  await simulate(dataDir, 'mixed', 300, 5, 17);
  served = await startServe({ dataDir });
});

test.afterAll(async () => {
  await served?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

async function go(page: Page, hash: string): Promise<string[]> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${served.url}${hash}`);
  return errors;
}

async function blurFields(page: Page): Promise<void> {
  await page.evaluate(() => (document.activeElement instanceof HTMLElement ? document.activeElement.blur() : undefined));
}

test('escalate from the alerts screen, add a note, see observables, close with a resolution, report', async ({ page }) => {
  test.setTimeout(180_000);
  const errors = await go(page, '#/alerts');
  const grid = page.getByRole('grid', { name: 'Alerts' });
  await expect(grid.locator('[data-row-id]').first()).toBeVisible({ timeout: 20_000 });
  await blurFields(page);
  // three alerts picked with the keyboard, then e
  for (const key of ['j', 'x', 'j', 'x', 'j', 'x']) await page.keyboard.press(key);
  await expect(page.getByTestId('selection-bar')).toContainText('3 selected');
  await page.keyboard.press('e');
  const dialog = page.getByTestId('escalate-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('heading')).toHaveText('Escalate 3 alerts to a case');
  await dialog.getByTestId('escalate-title').fill('Brute force and scan from the simulator');
  await page.screenshot({ path: screenshotPath('cases-escalate') });
  await dialog.getByTestId('escalate-submit').click();
  await expect(dialog).toBeHidden({ timeout: 20_000 });
  const open = page.getByRole('link', { name: /^Open case #\d+$/ });
  await expect(open).toBeVisible();
  await open.click();

  // the case, with its three alerts, investigating
  await expect(page.locator('h1')).toContainText('Brute force and scan from the simulator');
  await expect(page.getByTestId('tab-alerts')).toContainText('3');
  await page.screenshot({ path: screenshotPath('cases-summary') });
  await blurFields(page);
  await page.keyboard.press('2');
  await expect(page.getByTestId('case-alerts').locator('tbody tr')).toHaveCount(3);
  await expect(page.getByTestId('case-alerts')).toContainText('Investigating');

  // a note in Markdown: rendered, with its HTML shown as text and no image fetched
  await page.keyboard.press('5');
  // the notes tab listens for `n` once it is on screen (the route changes first)
  await expect(page.getByTestId('tab-notes')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('note-body')).toBeVisible();
  await page.keyboard.press('n');
  await expect(page.getByTestId('note-body')).toBeFocused();
  await page.keyboard.type('## Containment\nBlocked the source at the edge. <img src=x onerror=alert(1)> ![px](https://tracker.example/p.gif)');
  await page.getByTestId('add-note').click();
  const note = page.getByTestId('case-note').first();
  await expect(note.locator('h2')).toHaveText('Containment');
  await expect(note).toContainText('<img src=x onerror=alert(1)>');
  expect(await note.locator('img, script, a').count()).toBe(0);

  // observables extracted from the alerts; one added by hand as an IOC; i flags the cursor row
  await blurFields(page);
  await page.keyboard.press('3');
  const obs = page.getByTestId('case-observables');
  await expect(obs.locator('tbody tr').first()).toBeVisible();
  expect(await obs.locator('tbody tr').count()).toBeGreaterThan(1);
  await expect(obs).toContainText('ipv4');
  await page.getByTestId('observable-value').fill('c2.evil-example.net');
  await page.getByRole('combobox', { name: 'Type of the new observable' }).selectOption('domain');
  await page.getByRole('button', { name: 'Add' }).click();
  const added = obs.locator('tr', { hasText: 'c2.evil-example.net' });
  await expect(added.getByRole('button', { name: /IOC/ })).toHaveAttribute('aria-pressed', 'true');
  await page.screenshot({ path: screenshotPath('cases-observables') });
  await obs.locator('tbody tr').nth(1).focus();
  await page.keyboard.press('i');
  await expect(obs.locator('tbody tr').filter({ has: page.locator('.ioc-toggle.on') })).toHaveCount(2);

  // close as a false positive: the case says so, and its alerts follow
  await blurFields(page);
  await page.keyboard.press('c');
  const close = page.getByTestId('close-case');
  await close.getByText('False positive').click();
  await close.getByRole('button', { name: 'Close case' }).click();
  await expect(page.locator('.case-meta')).toContainText('Closed · False positive');
  await page.keyboard.press('2');
  await expect(page.getByTestId('case-alerts').locator('tbody tr', { hasText: 'False positive' })).toHaveCount(3);
  await page.keyboard.press('4');
  await expect(page.getByTestId('case-timeline')).toContainText('Status open → closed (false positive)');

  // a report with a progress bar, then verified against its manifest
  await blurFields(page);
  await page.keyboard.press('p');
  const report = page.getByTestId('report-dialog');
  await report.getByRole('button', { name: 'Write report' }).click();
  await expect(report.getByTestId('report-state')).toContainText('Written to', { timeout: 60_000 });
  await report.getByTestId('verify-report').click();
  await expect(report.getByTestId('verify-result')).toContainText(/Verified: \d+ files match/);
  await page.screenshot({ path: screenshotPath('cases-report') });
  await report.getByRole('button', { name: 'Done' }).click();

  // the list shows it among the closed ones
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('case-table')).toHaveCount(0);
  await page.getByRole('button', { name: 'Closed', exact: true }).click();
  await expect(page.getByTestId('case-row').first()).toContainText('Brute force and scan from the simulator');

  // the alerts summary of the last 24 hours, from the case list (p)
  await blurFields(page);
  await page.keyboard.press('p');
  const summary = page.getByTestId('report-dialog');
  await summary.getByText('Alerts, last 24 hours').click();
  await summary.getByRole('button', { name: 'Write report' }).click();
  await expect(summary.getByTestId('report-state')).toContainText('Written to', { timeout: 60_000 });
  await summary.getByTestId('verify-report').click();
  await expect(summary.getByTestId('verify-result')).toContainText(/Verified: \d+ files match/);
  expect(errors).toEqual([]);
});

test('the value menu on observables: a domain hunts itself, an address hunts when it was seen and filters the alerts', async ({ page }) => {
  const errors = await go(page, '#/cases');
  await page.getByRole('button', { name: 'Closed', exact: true }).click();
  await page.getByTestId('case-row').first().click();
  await expect(page.locator('h1')).toContainText('Brute force and scan from the simulator');
  await blurFields(page);
  await page.keyboard.press('3');
  const obs = page.getByTestId('case-observables');
  const domain = obs.locator('tr', { hasText: 'c2.evil-example.net' }).locator('[data-value-kind="domain"]');
  await domain.click({ button: 'right' });
  const menu = page.getByRole('menu', { name: 'Actions on c2.evil-example.net' });
  await expect(menu.getByRole('menuitem')).toHaveText(['Hunt c2.evil-example.net', 'Filter alerts by c2.evil-example.net', 'Scan c2.evil-example.net…', 'Copy']);
  await page.screenshot({ path: screenshotPath('cases-observables-value-menu') });
  await menu.getByRole('menuitem', { name: 'Hunt c2.evil-example.net' }).click();
  await expect(page.getByRole('searchbox', { name: 'Query' })).toHaveValue('dns.rrname:c2.evil-example.net');
  // added by hand and seen in no alert: the last 7 days
  expect(new URL(page.url()).hash).not.toMatch(/[?&](from|to)=/);

  // from the keyboard: an extracted address, Shift+F10, filter the alerts by it
  await page.goBack();
  const address = obs.locator('tr', { hasText: 'ipv4' }).first().locator('[data-value-kind="ip"]');
  const ip = await address.innerText();
  // a month on, an address of the case's alerts hunts the week up to when the latest was seen
  const now = Date.now();
  await page.clock.setFixedTime(now + 30 * 86_400_000);
  await address.click({ button: 'right' });
  await page.getByRole('menu', { name: `Actions on ${ip}` }).getByRole('menuitem', { name: `Hunt ${ip}` }).click();
  await expect(page.getByRole('searchbox', { name: 'Query' })).toHaveValue(`ip:${ip}`);
  const view = new URLSearchParams(new URL(page.url()).hash.split('?')[1]);
  const [from, to] = [Date.parse(view.get('from') ?? ''), Date.parse(view.get('to') ?? '')];
  expect(to - from).toBe(8 * 86_400_000);
  expect(to).toBeLessThanOrEqual(now + 86_400_000);
  expect(to).toBeGreaterThan(now - 86_400_000);
  await page.clock.setFixedTime(now);
  await page.goBack();
  await address.focus();
  await page.keyboard.press('Shift+F10');
  await page.getByRole('menu', { name: `Actions on ${ip}` }).getByRole('menuitem', { name: `Filter alerts by ${ip}` }).click();
  await expect(page).toHaveURL(new RegExp(`#/alerts\\?host=${ip.replace(/\./g, '\\.')}`));
  await expect(page.getByRole('grid', { name: 'Alerts' }).locator('[data-row-id]').first()).toBeVisible();
  expect(errors).toEqual([]);
});

test('a timeline entry is edited (what and when) and removed; the history keeps both', async ({ page }) => {
  const errors = await go(page, '#/cases');
  await page.getByRole('button', { name: 'New case' }).first().click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel(/^Title/).fill('Phishing wave, second floor');
  await dialog.getByRole('button', { name: 'Create case' }).click();
  await expect(page.getByRole('heading', { name: /Phishing wave, second floor/ })).toBeVisible();
  await page.getByRole('tab', { name: /Timeline/ }).click();

  await page.getByLabel('When (local time)').fill('2026-11-21T09:59:00');
  await page.getByLabel('What happened').fill('Phishing mial opened');
  await page.getByRole('button', { name: 'Add entry' }).click();
  const timeline = page.getByTestId('case-timeline');
  const entry = timeline.locator('.tl-entry');
  await expect(entry).toContainText('Phishing mial opened');

  await entry.getByRole('button', { name: 'Edit “Phishing mial opened”' }).click();
  const form = timeline.getByRole('form', { name: 'Edit the timeline entry' });
  await expect(form.getByLabel('What happened')).toBeFocused();
  // (the browser leaves :00 seconds out of the value)
  await expect(form.getByLabel('When (local time)')).toHaveValue(/^2026-11-21T09:59(:00)?$/);
  // Escape leaves it as it was
  await form.getByLabel('What happened').fill('something else');
  await page.keyboard.press('Escape');
  await expect(form).toBeHidden();
  await expect(entry).toContainText('Phishing mial opened');

  await entry.getByRole('button', { name: 'Edit “Phishing mial opened”' }).click();
  await form.getByLabel('When (local time)').fill('2026-11-21T09:58:30');
  await form.getByLabel('What happened').fill('Phishing mail opened');
  await form.getByLabel('Details').fill('Link to hr-portal.example clicked by two users');
  await page.screenshot({ path: screenshotPath('case-timeline-edit') });
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form).toBeHidden();
  await expect(entry).toContainText('Phishing mail opened');
  await expect(entry).toContainText('Link to hr-portal.example clicked by two users');
  await expect(entry.locator('time')).toHaveAttribute('datetime', new Date('2026-11-21T09:58:30').toISOString());

  await entry.getByRole('button', { name: 'Remove “Phishing mail opened”' }).click();
  await expect(entry).toHaveCount(0);
  // the case's changes (the Change chip) keep both
  await page.getByRole('group', { name: 'Show' }).getByRole('button', { name: 'Change' }).click();
  await expect(timeline).toContainText(/Timeline entry #\d+ edited: Phishing mial opened → Phishing mail opened/);
  await expect(timeline).toContainText('Details: (none) → Link to hr-portal.example clicked by two users');
  await expect(timeline).toContainText('Timeline entry removed: Phishing mail opened');
  expect(errors).toEqual([]);
});
