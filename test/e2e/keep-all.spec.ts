import { expect, test, type Locator, type Page } from '@playwright/test';
import { holdCalls, screenshotPath, serveIngested, type CallHold, type Served } from './serve-fixture.js';

/**
 * Hunt's "Keep all in case…" over more records than one call keeps (500): the keep goes in calls,
 * with a progress bar and a Stop, and the case's Records tab reads them 500 at a time. Against a real
 * `vigil serve` over EVE DNS query records of two names in the last hour.
 */

test.describe.configure({ mode: 'serial' });

let served: Served;
/** Lookups of each name: over one call's 500, and over Keep all's 10,000. */
const BULK = 1203;
const FLOOD = 10_001;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  const base = Date.now() - 40 * 60_000;
  const eveTime = (ms: number) => new Date(ms).toISOString().replace('Z', '000+0000');
  let n = 0;
  const lookup = (name: string) =>
    JSON.stringify({
      timestamp: eveTime(base + n * 100),
      flow_id: 3000000000000 + n,
      event_type: 'dns',
      src_ip: `10.1.${(n >> 8) & 255}.${n++ & 255}`,
      src_port: 40000 + (n % 20000),
      dest_ip: '10.1.0.53',
      dest_port: 53,
      proto: 'UDP',
      dns: { type: 'query', id: n, rrname: name, rrtype: 'A', tx_id: 0 },
      host: 'sensor-1',
    });
  served = await serveIngested({ 'eve.json': [...Array.from({ length: BULK }, () => lookup('bulk.example.ru')), ...Array.from({ length: FLOOD }, () => lookup('flood.example.ru'))] });
});

test.afterAll(async () => {
  await served?.stop();
});

const hunt = (q: string) => `${served.url}#/hunt?q=${encodeURIComponent(q)}`;

/** Hunt's 1,203 bulk lookups with cases.records.add held, and "Keep all in case…" opened. */
async function keepAllHeld(page: Page): Promise<{ hold: CallHold; dialog: Locator }> {
  // before the page opens its connection, which the hold sits on
  const hold = await holdCalls(page, ['cases.records.add']);
  await page.goto(hunt('dns.rrname:bulk.example.ru'));
  await expect(page.getByTestId('hunt-total')).toHaveText('1,203 records');
  await page.getByTestId('hunt-keep-all').click();
  return { hold, dialog: page.getByTestId('keep-dialog') };
}

test('1,203 records are kept in three calls, and the Records tab reads them 500 at a time', async ({ page }) => {
  const { hold, dialog } = await keepAllHeld(page);
  await expect(dialog.getByRole('heading')).toHaveText('Keep 1,203 records in a case');
  await dialog.getByText('New case', { exact: true }).click();
  await dialog.getByTestId('keep-submit').click();
  // the first call is under way: the bar and a Stop instead of Cancel
  await expect.poll(() => hold.held.length).toBe(1);
  await expect(dialog.getByTestId('keep-progress')).toContainText('0 of 1,203 records sent');
  await expect(dialog.getByTestId('keep-stop')).toBeEnabled();
  await page.screenshot({ path: screenshotPath('keep-all-progress') });
  hold.held.shift()!.release();
  await expect(dialog.getByTestId('keep-progress')).toContainText('500 of 1,203 records sent');
  await expect(dialog.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '42');
  hold.release('cases.records.add');
  await expect(page.getByRole('status').filter({ hasText: /^Kept 1,203 records in case #\d+/ })).toBeVisible();
  await page.getByRole('link', { name: /^Open case #\d+$/ }).last().click();

  const table = page.getByTestId('case-records');
  const rows = table.locator('tbody tr');
  await expect(rows).toHaveCount(500);
  await expect(page.getByTestId('case-records-more')).toHaveText('Show 500 more');
  await expect(page.getByText(/Showing the first 500 of 1,203/)).toBeVisible();
  await page.getByTestId('case-records-more').scrollIntoViewIfNeeded();
  await page.screenshot({ path: screenshotPath('case-records-more') });
  const firstTime = await rows.first().locator('time').getAttribute('datetime');
  await page.getByTestId('case-records-more').click();
  await expect(rows).toHaveCount(1000);
  await expect(page.getByTestId('case-records-more')).toHaveText('Show 203 more');
  // a page that cannot be read says so, keeps the rows shown, and can be asked again
  hold.holding.add('cases.records');
  await page.getByTestId('case-records-more').click();
  await expect.poll(() => hold.held.length).toBe(1);
  hold.held.shift()!.fail('INTERNAL', 'the store is closing');
  await expect(page.getByRole('alert').filter({ hasText: 'Could not read more records' })).toContainText('the store is closing');
  await expect(rows).toHaveCount(1000);
  hold.release('cases.records');
  await page.getByTestId('case-records-more').click();
  await expect(rows).toHaveCount(1203);
  await expect(page.getByTestId('case-records-more')).toHaveCount(0);
  // oldest first, each once
  const times = await rows.locator('time').evaluateAll((ts) => ts.map((t) => t.getAttribute('datetime')!));
  expect(times[0]).toBe(firstTime);
  expect(times).toEqual([...times].sort());
  expect(new Set(await rows.evaluateAll((rs) => rs.map((r) => r.getAttribute('data-record-id')))).size).toBe(1203);

  // the timeline (a kept record is an item of it) reads older items 300 at a time; one that cannot
  // be read says so and can be asked again
  await page.getByRole('tab', { name: /Timeline/ }).click();
  const items = page.getByTestId('case-timeline').locator(':scope > li');
  await expect(items).toHaveCount(300);
  hold.holding.add('cases.timeline');
  await page.getByRole('button', { name: 'Older' }).click();
  await expect.poll(() => hold.held.length).toBe(1);
  hold.held.shift()!.fail('INTERNAL', 'the store is closing');
  await expect(page.getByRole('alert').filter({ hasText: 'Could not read more of the timeline' })).toContainText('the store is closing');
  hold.release('cases.timeline');
  await page.getByRole('button', { name: 'Older' }).click();
  await expect(items).toHaveCount(600);
  await expect(page.getByRole('alert').filter({ hasText: 'Could not read more' })).toHaveCount(0);
});

test('Stop keeps what was sent and says what was not; a failure part way names the case made', async ({ page }) => {
  const { hold, dialog } = await keepAllHeld(page);
  await dialog.getByText('New case', { exact: true }).click();
  await dialog.getByTestId('keep-title').fill('Stopped keep');
  await dialog.getByTestId('keep-submit').click();
  await expect.poll(() => hold.held.length).toBe(1);
  hold.held.shift()!.release();
  await expect.poll(() => hold.held.length).toBe(1);
  await dialog.getByTestId('keep-stop').click();
  hold.held.shift()!.release();
  await expect(page.getByRole('status').filter({ hasText: /^Stopped: Kept 1,000 records in case #\d+; 203 not kept/ })).toBeVisible();
  await expect(dialog).toBeHidden();

  // a second keep whose second call fails: the first 500 stay, and the dialog says where
  await page.getByTestId('hunt-keep-all').click();
  await dialog.getByText('New case', { exact: true }).click();
  await dialog.getByTestId('keep-title').fill('Failed part way');
  await dialog.getByTestId('keep-submit').click();
  await expect.poll(() => hold.held.length).toBe(1);
  hold.held.shift()!.release();
  await expect.poll(() => hold.held.length).toBe(1);
  hold.held.shift()!.fail('CONFLICT', 'case #99 is closed');
  await expect(dialog.getByRole('alert')).toHaveText(/^500 of 1,203 records are kept in case #\d+; the rest were not: case #99 is closed/);
  // keeping again goes on in the case already made, not in a third one
  await expect(dialog.getByText(/^Case #\d+ was opened for them/)).toBeVisible();
  await expect(dialog.getByTestId('keep-title')).toHaveCount(0);
  hold.release('cases.records.add');
  await dialog.getByTestId('keep-submit').click();
  await expect(page.getByRole('status').filter({ hasText: /^Kept 703 records in case #\d+; 500 already kept/ })).toBeVisible();
});

test('a hunt over 10,000 records cannot be kept all at once', async ({ page }) => {
  await page.goto(hunt('dns.rrname:flood.example.ru'));
  await expect(page.getByTestId('hunt-total')).toHaveText('10,001 records');
  const keepAll = page.getByTestId('hunt-keep-all');
  await expect(keepAll).toBeDisabled();
  await expect(keepAll).toHaveAttribute('title', 'Narrow the hunt to 10,000 records or fewer to keep them all in a case');
});

test('a hunt with "| head 1,500" over 10,001 records keeps and exports its 1,500, not one page of them', async ({ page }) => {
  await page.goto(hunt('dns.rrname:flood.example.ru | head 1500'));
  await expect(page.getByTestId('hunt-total')).toHaveText('10,001 records');
  await expect(page.getByTestId('hunt-listed')).toHaveText('· 1,500 listed');
  await page.getByTestId('hunt-export').click();
  await expect(page.getByRole('dialog', { name: 'Export the records' })).toContainText('Export 1,500 records');
  await page.screenshot({ path: screenshotPath('hunt-head-listed') });
  await page.keyboard.press('Escape');
  await page.getByTestId('hunt-keep-all').click();
  const dialog = page.getByTestId('keep-dialog');
  await expect(dialog.getByRole('heading')).toHaveText('Keep 1,500 records in a case');
  await dialog.getByText('New case', { exact: true }).click();
  await dialog.getByTestId('keep-submit').click();
  await expect(page.getByRole('status').filter({ hasText: /^Kept 1,500 records in case #\d+/ })).toBeVisible();
});
