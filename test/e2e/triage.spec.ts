import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { alertsTotal, holdCalls, screenshotPath, simulate, startServe, type Served } from './serve-fixture.js';

/**
 * Alerts triage and alert detail against a real `vigil serve`, over a data directory fed by the
 * simulator: a mixed run (every scenario, for techniques and score terms) and DDoS runs until
 * there are at least 10,000 alerts (for "resolve everything matching").
 */

test.describe.configure({ mode: 'serial' });

let served: Served;
let dataDir: string;

test.beforeAll(async () => {
  test.setTimeout(240_000);
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-triage-'));
  await simulate(dataDir, 'mixed', 400, 8, 11);
  for (let i = 0; i < 4 && (await alertsTotal(dataDir)) < 10_500; i++) await simulate(dataDir, 'ddos', 20_000, 4, 21 + i);
  expect(await alertsTotal(dataDir)).toBeGreaterThanOrEqual(10_000);
  served = await startServe({ dataDir });
});

test.afterAll(async () => {
  await served?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/') as [string, string];
  const size = 2 ** (32 - Number(bits));
  const lo = Math.floor(ipv4ToInt(base) / size) * size;
  const v = ipv4ToInt(ip);
  return v >= lo && v < lo + size;
}

async function openAlerts(page: Page): Promise<Locator> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const grid = page.getByRole('grid', { name: 'Alerts' });
  // one retry: the shared dist/renderer may be mid-rebuild (another build empties it first)
  for (let attempt = 0; ; attempt++) {
    await page.goto(`${served.url}#/alerts`);
    try {
      await expect(grid.locator('[data-row-id]').first()).toBeVisible({ timeout: attempt === 0 ? 15_000 : 30_000 });
      break;
    } catch (err) {
      if (attempt > 0) throw err;
      await page.waitForTimeout(3000);
    }
  }
  expect(errors).toEqual([]);
  return grid;
}

/** Rows of the grid that are rendered (the grid is virtualized). */
function rows(grid: Locator): Locator {
  return grid.locator('[role="row"][data-row-id]');
}

/** The exact count the toolbar shows (alerts.count for the list's filter). */
async function matchCount(page: Page): Promise<number> {
  const el = page.getByTestId('match-count');
  await expect(el).toHaveText(/^[\d,.\s\u202f]+ alerts? match/);
  return Number((await el.innerText()).replace(/[^\d]/g, ''));
}

async function blurFields(page: Page): Promise<void> {
  await page.evaluate(() => (document.activeElement instanceof HTMLElement ? document.activeElement.blur() : undefined));
}

test('the table filters by severity and by source CIDR; an invalid CIDR is explained', async ({ page }) => {
  const grid = await openAlerts(page);
  await expect(grid.getByRole('columnheader', { name: 'Last seen' })).toHaveAttribute('aria-sort', 'descending');
  const all = await matchCount(page);
  expect(all).toBeGreaterThanOrEqual(10_000);
  // a cursor row and two checked rows, as an analyst mid-triage sees it
  await blurFields(page);
  for (const key of ['j', 'x', 'j', 'j', 'x', 'j']) await page.keyboard.press(key);
  await expect(page.getByTestId('selection-bar')).toContainText('2 selected');
  await page.screenshot({ path: screenshotPath('alerts') });
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('selection-bar')).not.toContainText('selected');

  // severity: only High rows, and fewer of them
  const chips = page.getByRole('group', { name: 'Severity' });
  await chips.getByRole('button', { name: 'High' }).click();
  await expect(chips.getByRole('button', { name: 'High' })).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(async () => (await matchCount(page)) < all).toBe(true);
  await expect(rows(grid).first()).toBeVisible();
  const sev = await rows(grid).evaluateAll((els) => els.map((e) => e.getAttribute('data-severity')));
  expect(sev.length).toBeGreaterThan(0);
  expect(new Set(sev)).toEqual(new Set(['high']));
  await chips.getByRole('button', { name: 'High' }).click();

  // CIDR: every shown source address is inside the block
  const src = page.getByTestId('filter-src_ip');
  await src.fill('10.0.0.0/33');
  await src.press('Enter');
  await expect(page.getByRole('alert').filter({ hasText: 'at most /32' })).toBeVisible();
  await src.fill('10.0.0.0/8');
  await src.press('Enter');
  await expect.poll(async () => (await matchCount(page)) < all).toBe(true);
  await expect(rows(grid).first()).toBeVisible();
  const srcs = await rows(grid).locator('.c-src').allInnerTexts();
  expect(srcs.length).toBeGreaterThan(0);
  for (const text of srcs) {
    const ip = text.trim().replace(/:\d+$/, '');
    expect(inCidr(ip, '10.0.0.0/8'), `${ip} in 10.0.0.0/8`).toBe(true);
  }
  // the sort header toggles and says so
  await grid.getByRole('button', { name: 'Risk' }).click();
  await expect(grid.getByRole('columnheader', { name: 'Risk' })).toHaveAttribute('aria-sort', 'descending');
  await expect
    .poll(async () => {
      const nums = (await rows(grid).locator('.c-risk .risk-num').allInnerTexts()).map(Number);
      return nums.length > 0 && nums.every((v, i) => i === 0 || nums[i - 1]! >= v);
    })
    .toBe(true);

  // light theme of the same screen
  await page.getByRole('button', { name: 'Clear filters' }).first().click();
  await expect.poll(() => matchCount(page)).toBe(all);
  await page.getByRole('button', { name: 'Switch to light theme' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await page.screenshot({ path: screenshotPath('alerts-light') });
  await page.getByRole('button', { name: 'Switch to dark theme' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
});

test('keyboard triage: j, a, then r with a note; the detail history shows both changes', async ({ page }) => {
  const grid = await openAlerts(page);
  await blurFields(page);
  await page.keyboard.press('j');
  const current = grid.locator('[role="row"][aria-current="true"]');
  await expect(current).toHaveCount(1);
  const id = Number(await current.getAttribute('data-row-id'));
  const row = grid.locator(`[data-row-id="${id}"]`);

  await page.keyboard.press('a');
  await expect(row).toHaveAttribute('data-status', 'ACKNOWLEDGED');
  await expect(row).not.toHaveAttribute('aria-current', 'true'); // the cursor moved on
  await page.keyboard.press('k');
  await expect(row).toHaveAttribute('aria-current', 'true');

  await page.keyboard.press('r');
  const dialog = page.getByRole('dialog', { name: `Resolve alert #${id}` });
  await expect(dialog).toBeVisible();
  // the note is required by default: an empty note is refused in the dialog
  await dialog.getByRole('button', { name: 'Resolve', exact: true }).click();
  await expect(dialog.getByRole('alert')).toContainText('note is required');
  const note = `Blocked at the edge, ticket INC-${id}`;
  await dialog.getByLabel(/Note/).fill(note);
  await dialog.getByRole('button', { name: 'Resolve', exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(row).toHaveAttribute('data-status', 'RESOLVED');
  await expect(row).not.toHaveAttribute('aria-current', 'true'); // the cursor moved on again

  // open the detail of that alert (Enter on the cursor row)
  await page.keyboard.press('k');
  await expect(row).toHaveAttribute('aria-current', 'true');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`#/alerts/${id}$`));
  const detail = page.getByTestId('alert-detail');
  await expect(detail.getByTestId('detail-status')).toHaveText('Resolved');
  const entries = detail.getByTestId('history-entry');
  await expect(entries).toHaveCount(2);
  await expect(entries.nth(0)).toHaveAttribute('data-from', 'NEW');
  await expect(entries.nth(0)).toHaveAttribute('data-to', 'ACKNOWLEDGED');
  await expect(entries.nth(1)).toHaveAttribute('data-from', 'ACKNOWLEDGED');
  await expect(entries.nth(1)).toHaveAttribute('data-to', 'RESOLVED');
  await expect(entries.nth(1)).toContainText(note);

  // Esc closes the detail and the keyboard is back on the list
  await page.keyboard.press('Escape');
  await expect(detail).toBeHidden();
  await expect(page).toHaveURL(/#\/alerts$/);
});

test('a triage key in a detail still loading acts on the list\'s copy of the alert', async ({ page }) => {
  // hold every alerts.get on the socket until released: the detail shows the link's id, not its data
  const hold = await holdCalls(page, ['alerts.get']);
  const grid = await openAlerts(page);
  await blurFields(page);
  const current = grid.locator('[role="row"][aria-current="true"]');
  let id = 0;
  for (let i = 0; i < 20 && !id; i++) {
    await page.keyboard.press('j');
    await expect(current).toHaveCount(1);
    if ((await current.getAttribute('data-status')) === 'NEW') id = Number(await current.getAttribute('data-row-id'));
  }
  expect(id).toBeGreaterThan(0);
  const row = grid.locator(`[data-row-id="${id}"]`);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`#/alerts/${id}$`));
  await expect.poll(() => hold.held.length).toBeGreaterThan(0);
  const detail = page.getByTestId('alert-detail');
  await expect(detail.getByTestId('score-breakdown')).toHaveCount(0); // not loaded
  await page.keyboard.press('i');
  await expect(row).toHaveAttribute('data-status', 'INVESTIGATING');
  hold.release('alerts.get');
  await expect(detail.getByTestId('detail-status')).toHaveText('Investigating');

  // an alert the list has not loaded (the oldest; the list shows the latest): the key says why it waits
  hold.holding.add('alerts.get');
  await page.goto(`${served.url}#/alerts/1`);
  await expect.poll(() => hold.held.length).toBeGreaterThan(0);
  await blurFields(page);
  await page.keyboard.press('a');
  await expect(page.getByText('Alert #1 is still loading: press a again in a moment')).toBeVisible();
  await page.screenshot({ path: screenshotPath('triage-still-loading') });
  await page.keyboard.press('e');
  await expect(page.getByText('Alert #1 is still loading: press e again in a moment')).toBeVisible();
  await expect(page.getByTestId('escalate-dialog')).toHaveCount(0);
  hold.release('alerts.get');
  await expect(detail.getByTestId('detail-status')).toBeVisible();
});

test('in a detail, e escalates the alert shown, not the rows checked in the list', async ({ page }) => {
  const grid = await openAlerts(page);
  await blurFields(page);
  for (const key of ['j', 'x', 'j', 'x', 'j']) await page.keyboard.press(key);
  await expect(page.getByTestId('selection-bar')).toContainText('2 selected');
  const id = Number(await grid.locator('[role="row"][aria-current="true"]').getAttribute('data-row-id'));
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('alert-detail')).toHaveAttribute('data-alert-id', String(id));
  await expect(page.getByTestId('alert-detail').getByTestId('detail-status')).toBeVisible();
  await page.keyboard.press('e');
  const dialog = page.getByTestId('escalate-dialog');
  await expect(dialog.getByRole('heading')).toHaveText('Escalate 1 alert to a case');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  // back in the list, e takes the checked rows again, even when pressed before the screen has
  // rendered the closed detail (both keys in one task: no render between them)
  await page.evaluate(() => {
    for (const key of ['Escape', 'e']) document.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
  });
  await expect(page).toHaveURL(/#\/alerts$/);
  await expect(dialog.getByRole('heading')).toHaveText('Escalate 2 alerts to a case');
});

test('the detail explains the risk score term by term and names the ATT&CK technique', async ({ page }) => {
  const grid = await openAlerts(page);
  const all = await matchCount(page);
  const technique = page.getByTestId('filter-technique');
  await technique.fill('T1110');
  await technique.press('Enter');
  // the correlation alert "Brute force: N authentication failures …" carries T1110 itself
  await page.getByRole('searchbox', { name: 'Search alerts' }).fill('brute force');
  await expect.poll(async () => (await matchCount(page)) < all).toBe(true);
  await expect.poll(async () => (await rows(grid).first().locator('.c-title').innerText()).toLowerCase()).toContain('brute force');
  await blurFields(page);
  await page.keyboard.press('j');
  await page.keyboard.press('Enter');
  const detail = page.getByTestId('alert-detail');
  await expect(detail.getByTestId('score-breakdown')).toBeVisible();

  const points = (await detail.getByTestId('score-term').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-points')))));
  expect(points.length).toBeGreaterThan(1);
  const total = detail.getByTestId('score-total');
  const score = Number(await total.getAttribute('data-score'));
  expect(points.reduce((a, b) => a + b, 0)).toBe(score);
  await expect(total).toContainText(`= ${score}`);
  await expect(detail.getByTestId('technique').filter({ hasText: 'Brute Force' })).toBeVisible();
  await expect(detail.getByTestId('technique').filter({ hasText: 'Brute Force' })).toContainText('Credential Access');
  await expect(detail.getByRole('heading', { name: 'Related alerts' })).toBeVisible();
  await page.screenshot({ path: screenshotPath('alert-detail') });

  // a Suricata alert's raw event: flow_id (a 64-bit integer) is shown digit for digit
  await page.getByRole('button', { name: 'Clear filters' }).first().click();
  await expect.poll(() => matchCount(page)).toBe(all);
  await page.getByRole('searchbox', { name: 'Search alerts' }).fill('ET DOS');
  await expect.poll(async () => (await rows(grid).first().locator('.c-title').innerText())).toMatch(/^ET DOS/);
  await rows(grid).first().locator('.c-title a').click();
  const raw = detail.getByTestId('raw-event');
  await expect(raw).toBeVisible();
  await raw.getByText('Original').click();
  const original = await raw.locator('pre').innerText();
  const flow = /"flow_id":(\d+)/.exec(original)?.[1];
  expect(flow, 'the raw EVE line has a flow_id').toBeTruthy();
  await raw.getByText('Pretty').click();
  await expect(raw.locator('pre')).toContainText(`"flow_id": ${flow},`);
});

test('a search of short words waits for a pause while typing; Enter searches at once', async ({ page }) => {
  // the first page of every list the page asks for, and the key whose event was being handled
  // when it went out (set in the capture phase, cleared after the event bubbled, or next task)
  await page.addInitScript(() => {
    const w = window as unknown as { __lists: { text: string; inKey: string | null }[]; __inKey: string | null };
    w.__lists = [];
    w.__inKey = null;
    window.addEventListener(
      'keydown',
      (e) => {
        w.__inKey = e.key;
        setTimeout(() => (w.__inKey = null), 0);
      },
      { capture: true },
    );
    window.addEventListener('keydown', () => (w.__inKey = null));
    const send = WebSocket.prototype.send;
    WebSocket.prototype.send = function (data) {
      const frame = JSON.parse(String(data)) as { channel?: string; request?: { filter?: { text?: string }; after?: unknown } };
      if (frame.channel === 'alerts.list' && !frame.request?.after) w.__lists.push({ text: frame.request?.filter?.text ?? '', inKey: w.__inKey });
      return send.call(this, data);
    };
  });
  await openAlerts(page);
  const lists = () => page.evaluate(() => (window as unknown as { __lists: { text: string; inKey: string | null }[] }).__lists);
  const search = page.getByRole('searchbox', { name: 'Search alerts' });
  await search.click();
  // typed at a steady pace: "b" and "br" are never asked; "bru" on are (a pause of 100 ms)
  await page.keyboard.type('brute', { delay: 150 });
  await expect.poll(async () => (await lists()).map((l) => l.text)).toContain('brute');
  const typed = (await lists()).map((l) => l.text);
  expect(typed).not.toContain('b');
  expect(typed).not.toContain('br');

  // Enter asks for what the box shows while its keydown is handled, short or not (the keyboard
  // at once: no second actionability check between the text and the key)
  await search.fill('dd');
  await page.keyboard.press('Enter');
  await expect.poll(async () => (await lists()).filter((l) => l.text === 'dd')).toEqual([{ text: 'dd', inKey: 'Enter' }]);
  // and the pause alone asks for it too
  await search.fill('tc');
  await expect.poll(async () => (await lists()).filter((l) => l.text === 'tc')).toEqual([{ text: 'tc', inKey: null }]);
});

test('? shows the keyboard cheat sheet; Esc closes it', async ({ page }) => {
  await openAlerts(page);
  await blurFields(page);
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toBeVisible();
  await expect(help).toContainText('Acknowledge with a note');
  await expect(help).toContainText('False positive');
  await page.screenshot({ path: screenshotPath('shortcut-help') });
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();
});

test('a link with a filter (#/alerts?severity=…&src_ip=…) opens the table filtered', async ({ page }) => {
  await page.goto(`${served.url}#/alerts?severity=high,critical&src_ip=${encodeURIComponent('10.0.0.0/8')}`);
  const grid = page.getByRole('grid', { name: 'Alerts' });
  const sev = page.getByRole('group', { name: 'Severity' });
  await expect(sev.getByRole('button', { name: 'High' })).toHaveAttribute('aria-pressed', 'true');
  await expect(sev.getByRole('button', { name: 'Critical' })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('filter-src_ip')).toHaveValue('10.0.0.0/8');
  await expect(rows(grid).first().or(page.getByRole('heading', { name: 'No alerts match these filters' }))).toBeVisible();
  const sevs = await rows(grid).evaluateAll((els) => els.map((e) => e.getAttribute('data-severity')));
  for (const v of sevs) expect(['high', 'critical']).toContain(v);
});

test('the Host column, host filter and link (host=…), the detail header and "same host" related alerts', async ({ page }) => {
  await page.goto(`${served.url}#/alerts?source=wazuh`);
  const grid = page.getByRole('grid', { name: 'Alerts' });
  await expect(rows(grid).first()).toBeVisible({ timeout: 30_000 });
  // Wazuh alerts name their agent, FIM ones included: no empty host
  const wazuhHosts = await rows(grid).locator('.c-host').allInnerTexts();
  expect(wazuhHosts.length).toBeGreaterThan(0);
  for (const h of wazuhHosts) expect(h).not.toBe('—');
  const host = wazuhHosts[0]!;
  const all = await matchCount(page);
  const field = page.getByTestId('filter-host');
  await field.fill(host);
  await field.press('Enter');
  await expect.poll(() => matchCount(page)).toBeLessThan(all);
  for (const h of await rows(grid).locator('.c-host').allInnerTexts()) expect(h).toBe(host);

  await rows(grid).first().locator('.c-title a').click();
  const detail = page.getByTestId('alert-detail');
  await expect(detail.getByTestId('detail-host')).toHaveText(host);
  await expect(detail.getByTestId('detail-agent')).toContainText(host);
  await expect(detail.getByTestId('detail-agent')).toContainText(/id \d{3}/);
  await expect(detail.getByRole('heading', { name: new RegExp(`^Same host ${host}`) })).toBeVisible();
  await page.screenshot({ path: screenshotPath('alert-detail-host') });

  // the same filter from a link
  await page.goto(`${served.url}#/alerts?host=${encodeURIComponent(host)}`);
  await expect(page.getByTestId('filter-host')).toHaveValue(host);
  await expect(rows(grid).first()).toBeVisible();
  for (const h of await rows(grid).locator('.c-host').allInnerTexts()) expect(h).toBe(host);
});

test('resolve everything matching (≥ 10,000 alerts) runs as a job with progress', async ({ page }) => {
  test.setTimeout(180_000);
  await openAlerts(page);
  const status = page.getByRole('group', { name: 'Status' });
  await status.getByRole('button', { name: 'New' }).click();
  await expect(status.getByRole('button', { name: 'New' })).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(() => matchCount(page), { timeout: 20_000 }).toBeGreaterThanOrEqual(10_000);
  const n = await matchCount(page);

  await page.getByTestId('select-all-matching').click();
  await expect(page.getByTestId('selection-bar')).toContainText('alerts matching this filter are selected');
  await page.getByRole('toolbar', { name: 'Bulk actions' }).getByRole('button', { name: 'Resolve…' }).click();
  const dialog = page.getByRole('dialog', { name: /^Resolve [\d,.\s\u202f]+ alerts matching this filter\?$/ });
  await expect(dialog).toBeVisible();
  await dialog.getByLabel(/Note/).fill('DDoS mitigated upstream; closing the flood alerts in bulk.');
  const confirm = dialog.getByRole('button', { name: /^Resolve [\d,.\s\u202f]+ alerts$/ });
  await expect(confirm).toBeEnabled();
  const confirmed = Number((await confirm.innerText()).replace(/[^\d]/g, ''));
  expect(confirmed).toBeGreaterThanOrEqual(n);
  // the done state shows for a moment before the dialog closes itself: a busy machine's polling can
  // miss it, so the page notes each state of the bar as it changes
  await page.evaluate(() => {
    const seen: { state: string | null; now: number; max: number }[] = [];
    (window as unknown as { bulkSeen: typeof seen }).bulkSeen = seen;
    new MutationObserver(() => {
      const el = document.querySelector('[data-testid="bulk-progress"]');
      const bar = el?.querySelector('[role="progressbar"]');
      if (!el || !bar) return;
      const now = { state: el.getAttribute('data-state'), now: Number(bar.getAttribute('aria-valuenow')), max: Number(bar.getAttribute('aria-valuemax')) };
      const last = seen[seen.length - 1];
      if (!last || last.state !== now.state || last.now !== now.now || last.max !== now.max) seen.push(now);
    }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state', 'aria-valuenow', 'aria-valuemax'] });
  });
  await confirm.click();

  const bar = page.getByRole('progressbar').first();
  await expect(bar).toBeVisible();
  await page.screenshot({ path: screenshotPath('bulk-progress') });
  // the done state closes itself; the toast offers Undo
  await expect(page.getByTestId('bulk-dialog')).toBeHidden({ timeout: 120_000 });
  const seen = await page.evaluate(() => (window as unknown as { bulkSeen: { state: string | null; now: number; max: number }[] }).bulkSeen);
  const done = seen.filter((s) => s.state === 'done');
  expect(done.length, JSON.stringify(seen)).toBeGreaterThan(0);
  expect(done[0]!.max).toBeGreaterThanOrEqual(10_000);
  expect(done[0]!.now).toBe(done[0]!.max);
  // it counted up on the way: never backwards, and never past the total
  const nows = seen.filter((s) => s.state !== null).map((s) => s.now);
  expect(nows).toEqual([...nows].sort((a, b) => a - b));
  expect(Math.max(...nows)).toBe(done[0]!.max);
  await expect(page.getByTestId('toast').filter({ hasText: /alerts set to Resolved/ }).getByRole('button', { name: 'Undo' })).toBeVisible();

  // alerts.count for status RESOLVED
  await status.getByRole('button', { name: 'New' }).click();
  await status.getByRole('button', { name: 'Resolved' }).click();
  await expect(status.getByRole('button', { name: 'Resolved' })).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(() => matchCount(page), { timeout: 20_000 }).toBeGreaterThanOrEqual(10_000);
});

test('a bulk confirmation has the focus once counted, Ctrl+Enter runs it, and Undo takes it back', async ({ page }) => {
  test.setTimeout(180_000);
  await openAlerts(page);
  const status = page.getByRole('group', { name: 'Status' });
  await status.getByRole('button', { name: 'Resolved' }).click();
  await expect(status.getByRole('button', { name: 'Resolved' })).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(() => matchCount(page), { timeout: 20_000 }).toBeGreaterThanOrEqual(10_000);

  await page.getByTestId('select-all-matching').click();
  await page.getByRole('toolbar', { name: 'Bulk actions' }).getByRole('button', { name: 'Investigating' }).click();
  const dialog = page.getByTestId('bulk-dialog');
  // the confirmation waits for the exact count, then takes the focus
  const submit = dialog.locator('button[type="submit"]');
  await expect(submit).toBeFocused();
  // the count the job acts on is the dialog's, counted when it opened: the list's, read a moment
  // earlier, can be one off if an alert changed status in between (CI saw 13,812 listed, 13,811 set)
  await expect(submit).toHaveText(/\d/);
  const n = Number((await submit.innerText()).replace(/[^\d]/g, ''));
  expect(n).toBeGreaterThanOrEqual(10_000);
  await page.keyboard.press('Control+Enter');
  // the done state closes itself; the toast offers Undo
  await expect(dialog).toBeHidden({ timeout: 120_000 });
  const toast = page.getByTestId('toast').filter({ hasText: /alerts set to Investigating/ });
  await expect(toast).toContainText(`${n.toLocaleString('en-US')} alerts set to Investigating`);
  await expect(page.getByRole('heading', { name: 'No alerts match these filters' })).toBeVisible({ timeout: 20_000 });
  await toast.getByRole('button', { name: 'Undo' }).click();
  await expect(page.getByTestId('toast').filter({ hasText: 'Undone' })).toBeVisible();
  await expect.poll(() => matchCount(page), { timeout: 20_000 }).toBe(n);
});
