import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { holdCalls, runVigil, screenshotPath, simulate, startServe, type Served } from './serve-fixture.js';

/**
 * Console fit (issue 9) against a real `vigil serve` over simulated data: triage on the selection
 * with Undo, notes, the Suppressions screen and "which suppression hid this?", export from the
 * screen as a download, the view in the address, and the time zone setting.
 */

test.describe.configure({ mode: 'serial' });

let served: Served;
let dataDir: string;
/** The brute-force scenario's attacker (seed 5): its "non-existent user" alert gets suppressed. */
let attacker: string;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-console-'));
  await simulate(dataDir, 'brute_force', 200, 4, 5);
  const bf = await runVigil(['alerts', 'list', '--rule', '5710', '--json', '--data-dir', dataDir]);
  attacker = (JSON.parse(bf.stdout) as { src_ip: string }[])[0]!.src_ip;
  await simulate(dataDir, 'mixed', 300, 5, 11);
  served = await startServe({ dataDir });
});

test.afterAll(async () => {
  await served?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

async function openAlerts(page: Page, hash = '#/alerts'): Promise<Locator> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const grid = page.getByRole('grid', { name: 'Alerts' });
  await page.goto(`${served.url}${hash}`);
  await expect(grid.locator('[data-row-id]').first()).toBeVisible({ timeout: 20_000 });
  expect(errors).toEqual([]);
  return grid;
}

async function matchCount(page: Page): Promise<number> {
  const el = page.getByTestId('match-count');
  await expect(el).toHaveText(/^[\d,.\s\u202f]+ alerts? match/);
  return Number((await el.innerText()).replace(/[^\d]/g, ''));
}

async function blurFields(page: Page): Promise<void> {
  await page.evaluate(() => (document.activeElement instanceof HTMLElement ? document.activeElement.blur() : undefined));
}

const rowById = (grid: Locator, id: number) => grid.locator(`[role="row"][data-row-id="${id}"]`);

test('with rows checked, a acts on the selection (not the cursor row); Undo puts them back, audited', async ({ page }) => {
  const grid = await openAlerts(page);
  await blurFields(page);
  // cursor on row 1, rows 2 and 3 checked, cursor then moved to row 4
  for (const key of ['j', 'j', 'x', 'j', 'x', 'j']) await page.keyboard.press(key);
  const bar = page.getByTestId('selection-bar');
  await expect(bar).toContainText('2 selected');
  await expect(page.getByTestId('selection-keys')).toContainText('act on these 2');
  const cursor = grid.locator('[role="row"][aria-current="true"]');
  const cursorId = Number(await cursor.getAttribute('data-row-id'));
  const checked = await grid.locator('[role="row"][aria-selected="true"]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-row-id'))));
  expect(checked).toHaveLength(2);
  expect(checked).not.toContain(cursorId);

  await page.keyboard.press('a');
  for (const id of checked) await expect(rowById(grid, id)).toHaveAttribute('data-status', 'ACKNOWLEDGED');
  await expect(rowById(grid, cursorId)).toHaveAttribute('data-status', 'NEW');
  const toast = page.getByTestId('toast').filter({ hasText: 'Acknowledged' }).first();
  await expect(toast).toBeVisible();
  await page.screenshot({ path: screenshotPath('triage-undo-toast') });
  await toast.getByRole('button', { name: 'Undo' }).click();
  await expect(page.getByTestId('toast').filter({ hasText: 'Undone' })).toBeVisible();
  for (const id of checked) await expect(rowById(grid, id)).toHaveAttribute('data-status', 'NEW');

  // the detail's history shows the change and its undo
  await page.goto(`${served.url}#/alerts/${checked[0]}`);
  const detail = page.getByTestId('alert-detail');
  const entries = detail.getByTestId('history-entry');
  await expect(entries).toHaveCount(2);
  await expect(entries.nth(0)).toHaveAttribute('data-to', 'ACKNOWLEDGED');
  await expect(entries.nth(1)).toHaveAttribute('data-undo', 'true');
  await expect(entries.nth(1)).toHaveAttribute('data-to', 'NEW');
});

test('a standalone note (n) goes into the alert history without changing its status', async ({ page }) => {
  const grid = await openAlerts(page);
  await blurFields(page);
  await page.keyboard.press('j');
  const id = Number(await grid.locator('[role="row"][aria-current="true"]').getAttribute('data-row-id'));
  await page.keyboard.press('n');
  const dialog = page.getByRole('dialog', { name: `Note on alert #${id}` });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('textbox')).toBeFocused();
  await dialog.getByRole('textbox').fill(`Asked the web team about #${id}`);
  // Ctrl+Enter confirms
  await page.keyboard.press('Control+Enter');
  await expect(dialog).toBeHidden();
  await expect(rowById(grid, id)).toHaveAttribute('data-status', 'NEW');
  await page.keyboard.press('Enter');
  const detail = page.getByTestId('alert-detail');
  await expect(detail.getByTestId('history-note')).toContainText(`Asked the web team about #${id}`);
  await expect(detail.getByTestId('detail-status')).toHaveText('New');
});

test('tags: added in the detail, shown on the row and in the history, a link that filters, removable', async ({ page }) => {
  const grid = await openAlerts(page);
  await blurFields(page);
  await page.keyboard.press('j');
  await page.keyboard.press('j');
  const id = Number(await grid.locator('[role="row"][aria-current="true"]').getAttribute('data-row-id'));
  await page.keyboard.press('Enter');
  const detail = page.getByTestId('alert-detail');
  const tags = detail.getByRole('group', { name: 'Tags' });
  await expect(tags).toContainText('No tags');
  await tags.getByTestId('add-tag').click();
  const box = tags.getByRole('combobox', { name: 'New tags' });
  await expect(box).toBeFocused();
  // a bad tag is explained where it was typed, and nothing is saved
  await box.fill('ok <script>');
  await box.press('Enter');
  await expect(tags.getByRole('alert')).toContainText('"<script>"');
  await expect(tags.getByTestId('alert-tag')).toHaveCount(0);
  await box.fill('Phishing, ticket-42');
  await box.press('Enter');
  await expect(tags.getByTestId('alert-tag')).toHaveText(['phishing', 'ticket-42']);
  await expect(detail.getByTestId('history-tags')).toContainText('Tagged phishing, ticket-42');
  await expect(tags.getByTestId('add-tag')).toBeFocused();
  await expect(rowById(grid, id).getByTestId('row-tags')).toHaveText('phishingticket-42');
  await page.screenshot({ path: screenshotPath('console-tags') });

  // a tag is a link to the alerts carrying it
  await tags.getByRole('link', { name: 'phishing' }).click();
  await expect(page).toHaveURL(/[?&]tag=phishing/);
  await expect(page.getByTestId('filter-tag')).toHaveText('phishing');
  expect(await matchCount(page)).toBe(1);
  await expect(grid.locator('[role="row"][data-row-id]')).toHaveCount(1);
  await expect(rowById(grid, id)).toBeVisible();

  // removed from the detail: gone from the row, recorded in the history
  await page.keyboard.press('Enter');
  await detail.getByRole('button', { name: 'Remove tag phishing' }).click();
  await expect(detail.getByTestId('alert-tag')).toHaveText(['ticket-42']);
  await expect(detail.getByTestId('history-tags').last()).toContainText('Untagged phishing');
  await page.getByTestId('filter-tag').click();
  await expect(page).not.toHaveURL(/tag=/);
});

test('t tags the selected rows in one dialog, with the tags in use one click away', async ({ page }) => {
  const grid = await openAlerts(page);
  await blurFields(page);
  const ids: number[] = [];
  for (const key of ['j', 'j', 'j', 'j']) await page.keyboard.press(key);
  for (let i = 0; i < 2; i++) {
    await page.keyboard.press('j');
    ids.push(Number(await grid.locator('[role="row"][aria-current="true"]').getAttribute('data-row-id')));
    await page.keyboard.press('x');
  }
  await page.keyboard.press('t');
  const dialog = page.getByRole('dialog', { name: 'Tag 2 alerts' });
  await expect(dialog).toBeVisible();
  // ticket-42 is in use (the test before): a click puts it in the field
  await dialog.getByRole('group', { name: 'Tags in use' }).getByRole('button', { name: 'ticket-42' }).click();
  await expect(dialog.getByRole('textbox', { name: 'Add tags' })).toHaveValue('ticket-42');
  await dialog.getByRole('textbox', { name: 'Add tags' }).fill('ticket-42 Campaign-9');
  await dialog.getByRole('button', { name: 'Apply' }).click();
  await expect(dialog).toBeHidden();
  for (const id of ids) await expect(rowById(grid, id).getByTestId('row-tags')).toHaveText('ticket-42campaign-9');
});

test('filters, sort and the open alert live in the address; pasting it reproduces the view', async ({ page, context }) => {
  const grid = await openAlerts(page);
  await page.getByRole('group', { name: 'Severity' }).getByRole('button', { name: 'Medium' }).click();
  await page.getByRole('group', { name: 'Source' }).getByRole('button', { name: 'wazuh' }).click();
  await grid.getByRole('button', { name: 'Risk' }).click();
  await expect(grid.getByRole('columnheader', { name: 'Risk' })).toHaveAttribute('aria-sort', 'descending');
  await expect(page).toHaveURL(/severity=medium/);
  // Esc in the search box only blurs it: the query stays
  const search = page.getByRole('searchbox').first();
  await search.fill('sshd');
  await search.press('Escape');
  await expect(search).not.toBeFocused();
  await expect(search).toHaveValue('sshd');
  await expect(page).toHaveURL(/text=sshd/);
  await search.fill('');
  await search.press('Enter');
  await expect(page).not.toHaveURL(/sshd/);
  const n = await matchCount(page);
  const firstIds = (g: Locator) => g.locator('[role="row"][data-row-id]').evaluateAll((els) => els.slice(0, 8).map((e) => e.getAttribute('data-row-id')));
  const sorted = await firstIds(grid);
  const first = grid.locator('[role="row"][data-row-id]').first();
  const id = Number(await first.getAttribute('data-row-id'));
  await first.click();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('alert-detail')).toHaveAttribute('data-alert-id', String(id));
  const hash = new URL(page.url()).hash;
  expect(hash).toMatch(new RegExp(`^#/alerts/${id}\\?`));
  expect(hash).toContain('source=wazuh');
  expect(hash).toContain('sort=risk_score');


  // a teammate opens the pasted address
  const other = await context.newPage();
  const grid2 = await openAlerts(other, hash);
  await expect(other.getByRole('group', { name: 'Severity' }).getByRole('button', { name: 'Medium' })).toHaveAttribute('aria-pressed', 'true');
  await expect(other.getByRole('group', { name: 'Source' }).getByRole('button', { name: 'wazuh' })).toHaveAttribute('aria-pressed', 'true');
  // the same order (the open detail leaves only the compact columns)
  await expect.poll(() => firstIds(grid2)).toEqual(sorted);
  await expect(other.getByTestId('alert-detail')).toHaveAttribute('data-alert-id', String(id));
  await expect.poll(() => matchCount(other)).toBe(n);
  await other.close();

  // back closes the alert and keeps the filters
  await page.goBack();
  await expect(page.getByTestId('alert-detail')).toBeHidden();
  expect(new URL(page.url()).hash).toMatch(/^#\/alerts\?.*severity=medium/);
});

test('while a new filter loads, the count of the one before is not shown; a new sort keeps the count', async ({ page }) => {
  const hold = await holdCalls(page, []);
  const grid = await openAlerts(page);
  const all = await matchCount(page);
  const search = page.getByRole('searchbox').first();
  await search.fill('sshd');
  await search.press('Enter');
  await expect(page).toHaveURL(/text=sshd/);
  await expect.poll(() => matchCount(page)).toBeLessThan(all);
  const some = await matchCount(page);

  // the list without the search is held: its count is not known yet, and the search's is not it
  hold.holding.add('alerts.list');
  await search.fill('');
  await search.press('Enter');
  await expect.poll(() => hold.held.filter((c) => c.channel === 'alerts.list').length).toBe(1);
  await expect(page.getByTestId('match-count')).toHaveText('Counting…');
  hold.release('alerts.list');
  await expect.poll(() => matchCount(page)).toBe(all);

  // the same alerts in another order: the count stands while the list reloads
  hold.holding.add('alerts.list');
  await grid.getByRole('button', { name: 'Risk' }).click();
  await expect.poll(() => hold.held.filter((c) => c.channel === 'alerts.list').length).toBe(1);
  expect(await page.getByTestId('match-count').innerText()).not.toBe('Counting…');
  expect(await matchCount(page)).toBe(all);
  hold.release('alerts.list');
  await expect(grid.getByRole('columnheader', { name: 'Risk' })).toHaveAttribute('aria-sort', 'descending');
  expect(some).toBeGreaterThan(0);
});

test('a search typed in steps is one history entry; Back returns to the view before it', async ({ page }) => {
  await openAlerts(page);
  await page.getByRole('group', { name: 'Severity' }).getByRole('button', { name: 'Medium' }).click();
  await expect(page).toHaveURL(/severity=medium/);
  const before = new URL(page.url()).hash;
  const depth = await page.evaluate(() => history.length);
  const search = page.getByRole('searchbox').first();
  await search.click();
  // each step waits longer than the search box's commit delay, so every step reaches the address
  for (const text of ['s', 'ss', 'ssh']) {
    await search.fill(text);
    await expect(page).toHaveURL(new RegExp(`text=${text}(&|$)`));
  }
  expect(await page.evaluate(() => history.length)).toBe(depth + 1);
  await page.goBack();
  await expect(page).not.toHaveURL(/text=/);
  expect(new URL(page.url()).hash).toBe(before);
  await expect(search).toHaveValue('');
});

test('export from the screen downloads exactly what the filter matches, with the CLI columns', async ({ page }) => {
  await openAlerts(page, '#/alerts?source=wazuh');
  const n = await matchCount(page);
  expect(n).toBeGreaterThan(0);
  await page.getByRole('button', { name: 'Export' }).click();
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: /^CSV/ }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/\.csv$/);
  const file = path.join(dataDir, 'screen.csv');
  await download.saveAs(file);
  await expect(page.getByTestId('toast').filter({ hasText: `Exported ${n.toLocaleString('en-US')}` })).toBeVisible();
  await expect(page.getByTestId('export-dialog')).toBeHidden();

  const cli = await runVigil(['alerts', 'export', '--format', 'csv', '--source', 'wazuh', '--data-dir', dataDir]);
  expect(cli.code).toBe(0);
  const screen = fs.readFileSync(file, 'utf8');
  const [header, ...rows] = screen.trimEnd().split('\n');
  expect(header).toBe(cli.stdout.split('\n')[0]);
  expect(header).toContain('host');
  expect(header).toContain('notes');
  // one row per alert (notes written in this suite are one line each)
  expect(new Set(rows.map((r) => r.split(',')[0])).size).toBe(n);
  expect(screen).toBe(cli.stdout);
});

test('Suppressions: create from an alert, see its hits, "which suppression hid this?", expire and remove', async ({ page }) => {
  test.setTimeout(120_000);
  const grid = await openAlerts(page, `#/alerts?rule_id=5710&src_ip=${attacker}`);
  const first = grid.locator('[role="row"][data-row-id]').first();
  const id = Number(await first.getAttribute('data-row-id'));
  await first.click();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('alert-detail')).toHaveAttribute('data-alert-id', String(id));
  await expect(page.getByTestId('alert-detail').getByTestId('history')).toBeVisible();
  await page.keyboard.press('s');
  const dialog = page.getByRole('dialog', { name: `Suppress alerts like #${id}` });
  await dialog.getByRole('textbox').fill('Pentest box of the Q4 engagement');
  await dialog.getByRole('button', { name: 'Create suppression' }).click();
  await expect(dialog).toBeHidden();
  const created = page.getByTestId('toast').filter({ hasText: /Suppression #\d+ created/ });
  const ruleId = Number(/#(\d+)/.exec(await created.first().innerText())![1]);

  // the same attack again: the rule drops it
  await simulate(dataDir, 'brute_force', 200, 4, 5);

  await page.goto(`${served.url}#/alerts/${id}`);
  const supp = page.getByTestId('suppressed-by');
  await expect(supp).toBeVisible();
  const item = supp.locator(`[data-suppression-id="${ruleId}"]`);
  await expect(item).toContainText('Pentest box of the Q4 engagement');
  await item.getByRole('link', { name: `#${ruleId}` }).click();
  await expect(page).toHaveURL(new RegExp(`#/suppressions\\?id=${ruleId}$`));

  const row = page.locator(`[data-testid="suppression-row"][data-suppression-id="${ruleId}"]`);
  await expect(row).toHaveClass(/sup-highlight/);
  await expect(row).toContainText('Pentest box of the Q4 engagement');
  await expect(row).toContainText('src');
  await expect.poll(async () => Number((await row.getByTestId('suppression-hits').innerText()).replace(/[^\d]/g, ''))).toBeGreaterThan(0);
  await page.screenshot({ path: screenshotPath('suppressions') });

  await row.getByRole('button', { name: `Expire suppression ${ruleId} now` }).click();
  await expect(page.getByTestId('toast').filter({ hasText: `Suppression #${ruleId} expired` })).toBeVisible();
  await expect(row).toHaveAttribute('data-state', 'expired');
  const show = await runVigil(['suppressions', 'show', String(ruleId), '--json', '--data-dir', dataDir]);
  const shown = JSON.parse(show.stdout) as { rule: { id: number; state: string; hits: number }; audit: { action: string }[] };
  expect(shown.rule).toMatchObject({ id: ruleId, state: 'expired' });
  expect(shown.rule.hits).toBeGreaterThan(0);
  expect(shown.audit.map((a) => a.action)).toEqual(['suppression.create', 'suppression.expire']);

  await row.getByRole('button', { name: `Remove suppression ${ruleId}` }).click();
  const confirm = page.getByRole('dialog', { name: `Remove suppression #${ruleId}?` });
  await confirm.getByRole('button', { name: 'Remove rule' }).click();
  await expect(confirm).toBeHidden();
  await expect(row).toBeHidden();
  const list = await runVigil(['suppressions', 'list', '--all', '--json', '--data-dir', dataDir]);
  expect((JSON.parse(list.stdout) as { id: number }[]).map((r) => r.id)).not.toContain(ruleId);
});

test('a toast never covers the row the analyst is on', async ({ page }) => {
  const grid = await openAlerts(page);
  await blurFields(page);
  // the cursor on the lowest fully visible row, where the toast stack sits
  const viewport = page.viewportSize()!;
  const rows = grid.locator('[role="row"][data-row-id]');
  const low = await rows.evaluateAll((els, h) => {
    const seen = els.filter((e) => e.getBoundingClientRect().bottom <= h - 4);
    return seen[seen.length - 1]!.getAttribute('data-row-id');
  }, viewport.height);
  await grid.locator(`[role="row"][data-row-id="${low}"]`).click();
  await expect(grid.locator(`[role="row"][data-row-id="${low}"]`)).toHaveAttribute('aria-current', 'true');
  await page.keyboard.press('k');
  await page.keyboard.press('i');
  const toast = page.getByTestId('toast').filter({ hasText: 'Investigating' }).first();
  await expect(toast).toBeVisible();
  const cursorRow = grid.locator('[role="row"][aria-current="true"]');
  await expect
    .poll(async () => {
      const [t, r] = [await toast.boundingBox(), await cursorRow.boundingBox()];
      return !!t && !!r && (t.y >= r.y + r.height || t.y + t.height <= r.y || t.x >= r.x + r.width || t.x + t.width <= r.x);
    })
    .toBe(true);
  await page.screenshot({ path: screenshotPath('toast-above-cursor') });
});

test.describe('time zone', () => {
  test.use({ timezoneId: 'Asia/Tokyo' });

  test('times follow the Time zone setting: this computer (named) or UTC', async ({ page }) => {
    const grid = await openAlerts(page);
    const header = grid.getByRole('columnheader', { name: /Last seen/ });
    await expect(header).toContainText('GMT+9');
    const lastSeen = grid.locator('[role="row"][data-row-id]').first().locator('.c-last-seen');
    const local = await lastSeen.innerText();

    await page.goto(`${served.url}#/settings`);
    const zone = page.getByRole('radiogroup', { name: 'Time zone' });
    await expect(zone.getByText('This computer (Asia/Tokyo)')).toBeVisible();
    await zone.getByText('UTC', { exact: true }).click();
    const section = page.getByTestId('settings-analyst');
    await section.getByRole('button', { name: 'Save' }).click();
    await expect(section.getByRole('button', { name: 'Save' })).toBeDisabled();

    await page.goto(`${served.url}#/alerts`);
    await expect(header).toContainText('UTC');
    const utc = await lastSeen.innerText();
    const hour = (s: string) => Number(/(\d\d):\d\d:\d\d/.exec(s)![1]);
    expect((hour(local) - hour(utc) + 24) % 24).toBe(9);

    // back to this computer's zone for the other tests
    await page.goto(`${served.url}#/settings`);
    await zone.getByText(/This computer/).click();
    await section.getByRole('button', { name: 'Save' }).click();
    await expect(section.getByRole('button', { name: 'Save' })).toBeDisabled();
  });
});
