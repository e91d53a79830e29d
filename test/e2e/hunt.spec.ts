import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { repoRoot } from '../helpers/services.js';
import { holdCalls, screenshotPath, serveIngested, type Served } from './serve-fixture.js';

/**
 * The Hunt screen against a real `vigil serve` over records ingested from Suricata's real shapes
 * (test/fixtures/eve/records.jsonl: dns, http, tls, fileinfo, flow, anomaly, ...) moved to the
 * last hour, plus DNS lookups of a few names so counts differ.
 */

test.describe.configure({ mode: 'serial' });

let served: Served;
let dataDir: string;
/** DNS records in the fixture (one of them a lookup of nx.example.ru). */
let fixtureDns = 0;
/** DNS records of www.example.com in the fixture. */
let fixtureWww = 0;
/** When the first of LOOKUPS was made (the rest follow a second apart). */
let lookupsAt = 0;

/** The same lookups, n of each name, a second apart (EVE dns query records). */
const LOOKUPS: [string, number][] = [
  ['updates.example.ru', 7],
  ['cdn.example.ru', 4],
  ['www.example.com', 2],
];

test.beforeAll(async () => {
  test.setTimeout(120_000);
  const base = Date.now() - 20 * 60_000;
  const eveTime = (ms: number) => new Date(ms).toISOString().replace('Z', '000+0000');
  const fixture = fs.readFileSync(path.join(repoRoot, 'test', 'fixtures', 'eve', 'records.jsonl'), 'utf8').split('\n').filter(Boolean);
  fixtureDns = fixture.filter((l) => l.includes('"event_type":"dns"')).length;
  fixtureWww = fixture.filter((l) => l.includes('"event_type":"dns"') && l.includes('"rrname":"www.example.com"')).length;
  // the real records, their timestamps moved into the last hour (the line is kept as written otherwise)
  const real = fixture.map((l, i) => l.replace(/"timestamp":"[^"]+"/, `"timestamp":"${eveTime(base + i * 1000)}"`));
  let n = 0;
  lookupsAt = base + 60_000;
  const dns = LOOKUPS.flatMap(([name, count]) =>
    Array.from({ length: count }, () =>
      JSON.stringify({
        timestamp: eveTime(base + 60_000 + n++ * 1000),
        flow_id: 2000000000000 + n,
        event_type: 'dns',
        src_ip: '10.0.0.5',
        src_port: 40000 + n,
        dest_ip: '10.0.0.53',
        dest_port: 53,
        proto: 'UDP',
        dns: { type: 'query', id: n, rrname: name, rrtype: 'A', tx_id: 0 },
        host: 'sensor-1',
      }),
    ),
  );
  served = await serveIngested({ 'eve.json': [...real, ...dns] });
  dataDir = served.dataDir;
});

test.afterAll(async () => {
  await served?.stop();
});

function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

test('a hunt with group-by: counts per name, a drill-down, the query in the address, Back', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto(`${served.url}#/hunt`);
  await expect(page.getByRole('heading', { name: 'Hunt', level: 1 })).toBeVisible();
  const grid = page.getByTestId('hunt-grid');
  await expect(grid.getByTestId('hunt-row').first()).toBeVisible({ timeout: 15_000 });

  const box = page.getByRole('searchbox', { name: 'Query' });
  await box.fill('event_type:dns dns.rrname:*.example.ru | groupby dns.rrname');
  await box.press('Enter');
  await expect(page).toHaveURL(/#\/hunt\?q=event_type%3Adns/);
  const groups = page.getByTestId('hunt-groups');
  await expect(groups.getByRole('heading')).toHaveText('Top dns.rrname');
  // the fixture's own lookup of nx.example.ru comes last
  await expect(groups.getByTestId('group-row')).toHaveText([/updates\.example\.ru\s*7/, /cdn\.example\.ru\s*4/, /nx\.example\.ru\s*1/]);
  await expect(page.getByTestId('hunt-total')).toHaveText('12 records');
  await expect(grid.getByTestId('hunt-row')).toHaveCount(12);
  await page.screenshot({ path: screenshotPath('hunt-groupby') });

  // drill-down: the group's own query, rows of that name only
  await groups.getByTestId('group-row').filter({ hasText: 'cdn.example.ru' }).click();
  await expect(page.getByTestId('hunt-total')).toHaveText('4 records');
  await expect(grid.getByTestId('hunt-row')).toHaveCount(4);
  for (const row of await grid.getByTestId('hunt-row').all()) await expect(row).toContainText('cdn.example.ru');
  expect(decodeURIComponent(page.url())).toContain('cdn.example.ru');

  // a reload keeps the view; Back returns to the grouped query
  await page.reload();
  await expect(page.getByTestId('hunt-total')).toHaveText('4 records');
  await page.goBack();
  await expect(page.getByTestId('hunt-total')).toHaveText('12 records');
  await expect(box).toHaveValue('event_type:dns dns.rrname:*.example.ru | groupby dns.rrname');
  expect(errors).toEqual([]);
});

test('conversations: every record by source and destination, largest first, a pair drills down to its records', async ({ page }) => {
  const errors = watchErrors(page);
  // the day's counts by pair, from the lines themselves ("(none)" for a missing address)
  const lines = fs.readFileSync(path.join(dataDir, 'eve.json'), 'utf8').split('\n').filter(Boolean);
  const pairs = new Map<string, number>();
  for (const l of lines) {
    const o = JSON.parse(l) as { src_ip?: string; dest_ip?: string };
    const key = `${o.src_ip ?? '(none)'} · ${o.dest_ip ?? '(none)'}`;
    pairs.set(key, (pairs.get(key) ?? 0) + 1);
  }
  const top = [...pairs].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  expect(top[0]).toEqual(['10.0.0.5 · 10.0.0.53', 13]);

  await page.goto(`${served.url}#/hunt?q=${encodeURIComponent('| groupby src_ip dst_ip')}`);
  const groups = page.getByTestId('hunt-groups');
  await expect(groups.getByRole('heading')).toHaveText('Top src_ip × dst_ip');
  await expect(page.getByTestId('hunt-total')).toHaveText(`${lines.length} records`);
  const rows = groups.getByTestId('group-row');
  await expect(rows).toHaveCount(pairs.size);
  await expect(rows.first()).toHaveText(/10\.0\.0\.5 · 10\.0\.0\.53\s*13/);
  const shown = (await rows.allInnerTexts()).map((t) => t.replace(/\s+(\d+)$/, ' $1'));
  expect(shown.map((t) => Number(t.split(' ').at(-1))).reduce((a, b) => a + b, 0)).toBe(lines.length);
  await page.screenshot({ path: screenshotPath('hunt-conversations') });

  // one pair drills down to its records, both addresses in the query
  await rows.first().click();
  await expect(page.getByTestId('hunt-total')).toHaveText('13 records');
  const q = decodeURIComponent(page.url());
  expect(q).toContain('src_ip:10.0.0.5');
  expect(q).toContain('dst_ip:10.0.0.53');
  expect(errors).toEqual([]);
});

test('a bad query shows its error at the column, and nothing runs', async ({ page }) => {
  await page.goto(`${served.url}#/hunt?q=event_type%3Adns`);
  const box = page.getByRole('searchbox', { name: 'Query' });
  await expect(page.getByTestId('hunt-total')).toHaveText(`${fixtureDns + 13} records`);
  await box.fill('event_type:dns dns.rrnam:x');
  const err = page.getByTestId('query-error');
  await expect(err).toContainText('unknown field "dns.rrnam" (did you mean dns.rrname?) at column 16');
  await expect(err.locator('mark')).toHaveText('d');
  await expect(box).toHaveAttribute('aria-invalid', 'true');
  await box.press('Enter');
  await expect(page.getByRole('alert').filter({ hasText: 'The query does not parse' })).toBeVisible();
  await box.fill('event_type:dns');
  await expect(err).toBeHidden();
});

test('a record opens with its fields and raw JSON; j/k move; a field adds itself to the query', async ({ page }) => {
  await page.goto(`${served.url}#/hunt?q=event_type%3Adns`);
  const grid = page.getByTestId('hunt-grid');
  const rows = grid.getByTestId('hunt-row');
  await expect(rows).toHaveCount(fixtureDns + 13);
  await rows.first().click();
  const detail = page.getByTestId('hunt-detail');
  await expect(detail.getByRole('heading', { level: 2 })).toHaveText('DNS record');
  const first = JSON.parse(await detail.getByTestId('hunt-raw').innerText()) as { event_type: string; dns: { rrname: string } };
  expect(first.event_type).toBe('dns');
  const firstLabel = (await detail.getAttribute('aria-label'))!;
  await page.screenshot({ path: screenshotPath('hunt-record') });
  // the newest is the last lookup written: www.example.com
  expect(first.dns.rrname).toBe('www.example.com');
  await page.keyboard.press('j');
  await expect(detail).not.toHaveAttribute('aria-label', firstLabel);
  await expect(rows.nth(1)).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('k');
  await expect(detail).toHaveAttribute('aria-label', firstLabel);
  // a summary field's value is a link that narrows the query
  await detail.getByRole('link', { name: 'www.example.com' }).click();
  await expect(page.getByRole('searchbox', { name: 'Query' })).toHaveValue('event_type:dns dns.rrname:www.example.com');
  // the two lookups written here and the fixture's own
  await expect(page.getByTestId('hunt-total')).toHaveText(`${2 + fixtureWww} records`);
  for (const row of await rows.all()) await expect(row).toContainText('www.example.com');
  await page.keyboard.press('Escape');
});

test('queries are saved, listed and run from the list, and removed', async ({ page }) => {
  await page.goto(`${served.url}#/hunt?q=event_type%3Adns`);
  await expect(page.getByTestId('hunt-total')).toHaveText(`${fixtureDns + 13} records`);
  await page.getByRole('button', { name: /Saved queries/ }).click();
  const panel = page.getByRole('region', { name: 'Saved queries' });
  await expect(panel).toContainText('No saved queries yet.');
  await panel.getByRole('textbox', { name: 'Name of the query to save' }).fill('All DNS');
  await panel.getByRole('button', { name: 'Save current' }).click();
  await expect(panel.getByRole('link', { name: /All DNS/ })).toBeVisible();
  await page.goto(`${served.url}#/hunt`);
  await page.getByRole('button', { name: /Saved queries \(1\)/ }).click();
  await page.getByRole('region', { name: 'Saved queries' }).getByRole('link', { name: /All DNS/ }).click();
  await expect(page.getByTestId('hunt-total')).toHaveText(`${fixtureDns + 13} records`);
  await page.getByRole('button', { name: /Saved queries/ }).click();
  await page.getByRole('button', { name: 'Delete saved query All DNS' }).click();
  await expect(page.getByRole('region', { name: 'Saved queries' })).toContainText('No saved queries yet.');
});

test('the value menu: an address in an alert hunts it; a record field filters alerts; keyboard and Escape', async ({ page }) => {
  // the fixture's Suricata alert (203.0.113.45 -> 192.168.1.10:22) is an alert in the queue
  await page.goto(`${served.url}#/alerts`);
  const grid = page.getByRole('grid', { name: 'Alerts' });
  const row = grid.locator('[data-row-id]').filter({ hasText: /ET / }).first();
  // in the grid the menu is a right-click: the row keeps the keyboard (no tab stop per address)
  const cell = row.locator('[data-value-kind="ip"]').filter({ hasText: '203.0.113.45' });
  await expect(cell).not.toHaveAttribute('tabindex');
  await cell.click({ button: 'right' });
  await expect(page.getByRole('menu', { name: 'Actions on 203.0.113.45' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('menu')).toBeHidden();
  await row.click();
  await page.keyboard.press('Enter');
  const detail = page.getByTestId('alert-detail');
  const src = detail.locator('[data-value-kind="ip"]').filter({ hasText: '203.0.113.45' });
  await src.click({ button: 'right' });
  const menu = page.getByRole('menu', { name: 'Actions on 203.0.113.45' });
  await expect(menu.getByRole('menuitem')).toHaveText(['Hunt 203.0.113.45', 'Filter alerts by 203.0.113.45', 'Scan 203.0.113.45…', 'Copy']);
  await expect(menu.getByRole('menuitem').first()).toBeFocused();
  await page.screenshot({ path: screenshotPath('hunt-value-menu') });
  await menu.getByRole('menuitem', { name: 'Hunt 203.0.113.45' }).click();
  await expect(page.getByRole('searchbox', { name: 'Query' })).toHaveValue('ip:203.0.113.45');
  await expect(page.getByTestId('hunt-grid').getByTestId('hunt-row').first()).toContainText('203.0.113.45');

  // from the keyboard: Shift+F10 opens it on the focused value, arrows move, Escape gives focus back
  await page.getByTestId('hunt-grid').getByTestId('hunt-row').first().click();
  const value = page.getByTestId('hunt-detail').locator('[data-value-kind="ip"]').first();
  await value.focus();
  await page.keyboard.press('Shift+F10');
  const menu2 = page.getByRole('menu');
  await expect(menu2.getByRole('menuitem').first()).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(menu2.getByRole('menuitem').nth(1)).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(menu2).toBeHidden();
  await expect(value).toBeFocused();
  // Filter alerts by an address: the queue with the host filter
  const ip = (await value.getAttribute('title'))!.split(' ')[0]!;
  await value.click({ button: 'right' });
  await page.getByRole('menuitem', { name: `Filter alerts by ${ip}` }).click();
  await expect(page).toHaveURL(new RegExp(`#/alerts\\?host=${ip.replace(/\./g, '\\.')}`));
});

test('the value menu on a summary: the names in a record line hunt themselves; the row keeps the keyboard', async ({ page }) => {
  await page.goto(`${served.url}#/hunt?q=${encodeURIComponent('event_type:dns dns.rrname:cdn.example.ru')}`);
  const rows = page.getByTestId('hunt-grid').getByTestId('hunt-row');
  await expect(rows).toHaveCount(4);
  // the name in "query cdn.example.ru A" is a value, a right-click away: no tab stop of its own
  const name = rows.first().locator('.hu-summary [data-value-kind="domain"]');
  await expect(name).toHaveText('cdn.example.ru');
  await expect(name).not.toHaveAttribute('tabindex');
  await name.click({ button: 'right' });
  const menu = page.getByRole('menu', { name: 'Actions on cdn.example.ru' });
  await expect(menu.getByRole('menuitem')).toHaveText(['Hunt cdn.example.ru', 'Filter alerts by cdn.example.ru', 'Scan cdn.example.ru…', 'Copy']);
  // arrows move in the menu, not the grid's cursor
  await page.keyboard.press('ArrowDown');
  await expect(menu.getByRole('menuitem').nth(1)).toBeFocused();
  await page.screenshot({ path: screenshotPath('hunt-summary-value-menu') });
  await menu.getByRole('menuitem', { name: 'Hunt cdn.example.ru' }).click();
  await expect(page.getByRole('searchbox', { name: 'Query' })).toHaveValue('dns.rrname:cdn.example.ru');
  await expect(page.getByTestId('hunt-total')).toHaveText('4 records');
});

test('while the group-by counts, its panel says how many records it is counting', async ({ page }) => {
  const hold = await holdCalls(page, ['events.groupby']);
  await page.goto(`${served.url}#/hunt?q=${encodeURIComponent('event_type:dns')}`);
  await expect.poll(() => hold.held.length).toBe(1);
  const groups = page.getByTestId('hunt-groups');
  // the histogram (not held) has counted the records: the panel names that number
  await expect(page.getByTestId('hunt-total')).toHaveText('17 records');
  await expect(groups.getByTestId('hunt-groups-counting')).toHaveText('Counting 17 records…');
  hold.release('events.groupby');
  await expect(groups.getByTestId('group-row').first()).toBeVisible();
  await expect(groups.getByTestId('hunt-groups-counting')).toHaveCount(0);
});

test('a count replaced by a newer one before it ran shows no error: the newer one answers', async ({ page }) => {
  // hold the screen's group-bys on the socket; the first is then answered as the reader answers a
  // waiting count that a newer one of the same console replaced
  const { held } = await holdCalls(page, ['events.groupby']);
  await page.goto(`${served.url}#/hunt?q=${encodeURIComponent('event_type:dns')}`);
  await expect.poll(() => held.length).toBe(1);
  const groups = page.getByTestId('hunt-groups');
  await groups.getByRole('combobox', { name: 'Count by field' }).selectOption('dns.rrname');
  await expect.poll(() => held.length).toBe(2);
  // whether the panel ever says it could not count, from here on
  await groups.evaluate((el) => {
    const seen = { error: false };
    (window as unknown as { countError: typeof seen }).countError = seen;
    new MutationObserver(() => (seen.error ||= (el.textContent ?? '').includes('Could not count'))).observe(el, { subtree: true, childList: true, characterData: true });
  });
  held[0]!.fail('SUPERSEDED', 'this groupBy was replaced by a newer one before it ran');
  held[1]!.release();
  await expect(groups.getByRole('heading')).toHaveText('Top dns.rrname');
  await expect(groups.getByTestId('group-row').first()).toContainText('updates.example.ru');
  expect(await page.evaluate(() => (window as unknown as { countError: { error: boolean } }).countError.error)).toBe(false);
  await expect(groups).not.toContainText('Could not count');
});

test('with reduced motion asked, the histogram is drawn at once, not animated', async ({ page }) => {
  await page.emulateMedia({ reducedMotion: 'reduce' });
  // in the page, from its start: the histogram's canvas two frames after the count is shown, and
  // 250 ms later (an animated chart, 200 ms, would still be growing its bars at the first)
  await page.addInitScript(() => {
    const shots: string[] = [];
    (window as unknown as { histogramShots: string[] }).histogramShots = shots;
    const watch = new MutationObserver(() => {
      if (!/\d+ records?/.test(document.querySelector('[data-testid="hunt-total"]')?.textContent ?? '')) return;
      watch.disconnect();
      const shot = () => shots.push(document.querySelector<HTMLCanvasElement>('.hu-histogram canvas')?.toDataURL() ?? 'no canvas');
      requestAnimationFrame(() => requestAnimationFrame(() => (shot(), setTimeout(() => requestAnimationFrame(shot), 250))));
    });
    document.addEventListener('DOMContentLoaded', () => watch.observe(document.body, { subtree: true, childList: true, characterData: true }));
  });
  await page.goto(`${served.url}#/hunt?q=${encodeURIComponent('event_type:dns')}`);
  await expect.poll(() => page.evaluate(() => (window as unknown as { histogramShots: string[] }).histogramShots.length)).toBe(2);
  const [first, later] = await page.evaluate(() => (window as unknown as { histogramShots: string[] }).histogramShots);
  expect(first).not.toBe('no canvas');
  expect(later).toBe(first);
});

test('a record found in a hunt is kept with a new case: in its Records tab with its raw line, on its timeline, its name an observable', async ({ page }) => {
  await page.goto(`${served.url}#/hunt?q=${encodeURIComponent('dns.rrname:cdn.example.ru')}`);
  const rows = page.getByTestId('hunt-grid').getByTestId('hunt-row');
  await expect(rows).toHaveCount(4);
  await rows.first().click();
  const detail = page.getByTestId('hunt-detail');
  const raw = JSON.parse(await detail.getByTestId('hunt-raw').innerText()) as { flow_id: number; dns: { rrname: string } };
  await detail.getByTestId('hunt-keep').click();
  const dialog = page.getByTestId('keep-dialog');
  // no case is open yet: a new one, titled after the record
  await expect(dialog.getByRole('radio', { name: 'New case' })).toBeChecked();
  await expect(dialog.getByTestId('keep-title')).toHaveValue(/^DNS: .*cdn\.example\.ru/);
  await page.screenshot({ path: screenshotPath('keep-dialog') });
  await dialog.getByTestId('keep-title').fill('Lookups of cdn.example.ru');
  await dialog.getByTestId('keep-submit').click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('status').filter({ hasText: /Kept 1 record in case #\d+/ })).toBeVisible();
  await page.getByRole('link', { name: /^Open case #\d+$/ }).click();
  await expect(page).toHaveURL(/#\/cases\/\d+\/records$/);
  const table = page.getByTestId('case-records');
  await expect(table.locator('tbody tr')).toHaveCount(1);
  await expect(table).toContainText('cdn.example.ru');
  await expect(page.getByRole('tab', { name: /Records/ })).toContainText('1');
  await table.getByRole('button', { expanded: false }).click();
  await expect(table.getByTestId('raw-event')).toContainText(`"flow_id": ${raw.flow_id}`);
  await expect(table.locator('.case-record-hash')).toContainText(/SHA-256 of the raw line when \S+ kept it, .*: [0-9a-f]{64}$/);
  await page.screenshot({ path: screenshotPath('case-records') });

  // a second keep of the same record says so and changes nothing
  await page.goto(`${served.url}#/hunt?q=${encodeURIComponent('dns.rrname:cdn.example.ru')}`);
  await rows.first().click();
  await detail.getByTestId('hunt-keep').click();
  await expect(dialog.getByRole('radio', { name: /Existing case/ })).toBeChecked();
  await expect(dialog.getByTestId('keep-case')).toContainText('Lookups of cdn.example.ru');
  await dialog.getByTestId('keep-submit').click();
  await expect(page.getByRole('status').filter({ hasText: /already keeps this record/ })).toBeVisible();

  await page.getByRole('link', { name: /^Open case #\d+$/ }).last().click();
  await page.getByRole('tab', { name: /Timeline/ }).click();
  await expect(page.getByTestId('case-timeline').locator('.tl-record')).toContainText('rrname=cdn.example.ru');
  await page.getByRole('tab', { name: /Observables/ }).click();
  await expect(page.getByText('cdn.example.ru', { exact: true })).toBeVisible();
});

test('every record a hunt found is kept with a case in one go', async ({ page }) => {
  await page.goto(`${served.url}#/hunt?q=${encodeURIComponent('dns.rrname:updates.example.ru | groupby src_ip')}`);
  await expect(page.getByTestId('hunt-total')).toHaveText('7 records');
  await page.getByTestId('hunt-keep-all').click();
  const dialog = page.getByTestId('keep-dialog');
  await expect(dialog.getByRole('heading')).toHaveText('Keep 7 records in a case');
  await dialog.getByText('New case', { exact: true }).click();
  await expect(dialog.getByTestId('keep-title')).toHaveValue('Hunt: dns.rrname:updates.example.ru');
  await dialog.getByTestId('keep-submit').click();
  await expect(page.getByRole('status').filter({ hasText: /Kept 7 records in case #\d+/ })).toBeVisible();
  await page.getByRole('link', { name: /^Open case #\d+$/ }).last().click();
  const table = page.getByTestId('case-records');
  await expect(table.locator('tbody tr')).toHaveCount(7);
  await expect(table.locator('tbody tr').first()).toContainText('updates.example.ru');
});

test('the records a hunt counted are exported as an eve.json: the lines as the sensor wrote them', async ({ page }) => {
  const errors = watchErrors(page);
  const written = fs.readFileSync(path.join(dataDir, 'eve.json'), 'utf8').split('\n').filter((l) => l.includes('"rrname":"updates.example.ru"'));
  expect(written).toHaveLength(7);
  // with a groupby in the query: the records it counts, not the counts
  await page.goto(`${served.url}#/hunt?q=${encodeURIComponent('dns.rrname:updates.example.ru | groupby src_ip')}`);
  await expect(page.getByTestId('hunt-total')).toHaveText('7 records');
  await page.getByTestId('hunt-export').click();
  const menu = page.getByRole('dialog', { name: 'Export the records' });
  await expect(menu).toContainText('Export 7 records');
  await page.screenshot({ path: screenshotPath('hunt-export-menu') });
  const downloading = page.waitForEvent('download');
  await menu.getByRole('button', { name: /^EVE/ }).click();
  const file = await downloading;
  expect(file.suggestedFilename()).toMatch(/^vigil-records-\d{8}-\d{4}\.eve\.json$/);
  const text = fs.readFileSync(await file.path(), 'utf8');
  // newest first, each line byte for byte
  expect(text).toBe(`${[...written].reverse().join('\n')}\n`);
  await expect(page.getByRole('status').filter({ hasText: /^Exported 7 records to vigil-records-/ })).toBeVisible();
  await expect(page.getByTestId('export-dialog')).toBeHidden();
  expect(errors).toEqual([]);
});

test('an export left to run in the background still says when it is done', async ({ page }) => {
  const errors = watchErrors(page);
  // the job's progress is held on its way to the page: the dialog shows the export starting
  const progress: (() => void)[] = [];
  let holding = true;
  await page.routeWebSocket(/\/api\/ws/, (ws) => {
    const server = ws.connectToServer();
    server.onMessage((message) => {
      if (holding && (JSON.parse(String(message)) as { event?: string }).event === 'jobs.progress') progress.push(() => ws.send(message));
      else ws.send(message);
    });
  });
  const letProgress = () => {
    holding = false;
    for (const send of progress.splice(0)) send();
  };
  await page.goto(`${served.url}#/hunt?q=${encodeURIComponent('dns.rrname:updates.example.ru')}`);
  await expect(page.getByTestId('hunt-total')).toHaveText('7 records');
  await page.getByTestId('hunt-export').click();
  await page.getByRole('dialog', { name: 'Export the records' }).getByRole('button', { name: /^NDJSON/ }).click();
  const dialog = page.getByTestId('export-dialog');
  await expect(dialog).toContainText('Starting the download…');
  await dialog.getByRole('button', { name: 'Run in background' }).click();
  await expect(dialog).toBeHidden();
  // leave the screen too: the toast comes from wherever the analyst is
  await page.getByRole('link', { name: 'Hosts' }).click();
  await expect.poll(() => progress.length).toBeGreaterThan(0);
  letProgress();
  await expect(page.getByRole('status').filter({ hasText: /^Exported 7 records to vigil-records-\d{8}-\d{4}\.ndjson/ })).toBeVisible();
  expect(errors).toEqual([]);
});

test('a histogram bar zooms into its time; a range picked goes back to a relative one', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto(`${served.url}#/hunt?q=${encodeURIComponent('dns.rrname:updates.example.ru')}`);
  await expect(page.getByTestId('hunt-total')).toHaveText('7 records');
  const range = page.getByRole('combobox', { name: 'Time range' });
  await expect(range).toHaveValue('24h');
  // each bar (also listed for screen readers, with a link that zooms) narrows the view to its time
  const zoomInto = async () => {
    const bars = page.getByTestId('hunt-bucket-zoom');
    await expect(bars.first()).toBeAttached();
    // (hidden, so out of the Tab order)
    await expect(bars.first()).toHaveAttribute('tabindex', '-1');
    const count = Number(await bars.last().locator('xpath=../../td').textContent());
    const href = (await bars.last().getAttribute('href'))!;
    await bars.last().evaluate((a: HTMLAnchorElement) => a.click());
    await expect(page).toHaveURL(new RegExp(`${href.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    await expect(page.getByTestId('hunt-total')).toHaveText(`${count} ${count === 1 ? 'record' : 'records'}`);
    return new URLSearchParams(href.slice(href.indexOf('?') + 1));
  };
  const first = await zoomInto();
  const firstMs = Date.parse(first.get('to')!) - Date.parse(first.get('from')!);
  expect(firstMs).toBeLessThanOrEqual(3_600_000);
  await expect(range.locator('option:checked')).toHaveText(/ – /);
  // the query stays over the span when it is run again, and a bar of the zoomed view zooms further
  await page.getByRole('searchbox', { name: 'Query' }).press('Enter');
  await expect(page).toHaveURL(/from=/);
  const second = await zoomInto();
  expect(Date.parse(second.get('to')!) - Date.parse(second.get('from')!)).toBeLessThan(firstMs);
  await page.waitForTimeout(400); // the bars' animation from the wider view
  await page.screenshot({ path: screenshotPath('hunt-zoomed') });
  await range.selectOption('7d');
  await expect(page).toHaveURL(/range=7d$/);
  await expect(page.getByTestId('hunt-total')).toHaveText('7 records');
  expect(errors).toEqual([]);
});

test('the keyboard picks a histogram bar (its time and count read out) and Enter zooms into it', async ({ page }) => {
  const errors = watchErrors(page);
  // the 11 lookups of two names, a second apart, over the minute they fall in: a bar each
  const span = `from=${new Date(lookupsAt).toISOString()}&to=${new Date(lookupsAt + 60_000).toISOString()}`;
  await page.goto(`${served.url}#/hunt?q=${encodeURIComponent('dns.rrname:(updates.example.ru OR cdn.example.ru)')}&${span}`);
  await expect(page.getByTestId('hunt-total')).toHaveText('11 records');
  const chart = page.getByTestId('hunt-histogram');
  const links = page.getByTestId('hunt-bucket-zoom');
  await expect(links).toHaveCount(11);
  // in the Tab order, the keys it takes described
  await expect(chart).toHaveAttribute('tabindex', '0');
  await expect(chart).toHaveAccessibleDescription('Left and right arrows pick a bar; Enter zooms into it.');
  await chart.focus();
  const said = page.getByTestId('hunt-histogram-bar');
  await expect(said).toHaveText('');
  const picked = /: 1 record\. Enter zooms into it\.$/;
  await page.keyboard.press('End');
  await expect(said).toHaveText(picked);
  const last = await said.textContent();
  await page.keyboard.press('ArrowLeft');
  await expect(said).toHaveText(picked);
  expect(await said.textContent()).not.toBe(last);
  // the bar's tooltip shows for whoever sees the chart
  await expect(page.locator('.hu-histogram').getByText('Click the bar (or Enter) to zoom into it')).toBeVisible();
  await page.screenshot({ path: screenshotPath('hunt-histogram-keyboard') });
  // Esc lets it go; → then picks the first, End the last again
  await page.keyboard.press('Escape');
  await expect(said).toHaveText('');
  await page.keyboard.press('ArrowRight');
  await expect(said).toHaveText(picked);
  expect(await said.textContent()).not.toBe(last);
  await page.keyboard.press('End');
  await expect(said).toHaveText(last!);
  // Enter zooms into the last bar, as its link does: one record, one bar, an index the picked bar
  // (the 11th) is far past; none is picked in the new counts
  const href = (await links.last().getAttribute('href'))!;
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`${href.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
  await expect(page.getByTestId('hunt-total')).toHaveText('1 record');
  await expect(links).toHaveCount(1);
  await expect(said).toHaveText('');
  await expect(chart).toBeFocused();
  await page.keyboard.press('End');
  await expect(said).toHaveText(picked);
  expect(errors).toEqual([]);
});

test('from a record, a hunt of its flow and of its hosts around it, each at the record\'s own time', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto(`${served.url}#/hunt?q=${encodeURIComponent('dns.rrname:updates.example.ru')}&range=7d`);
  await page.getByTestId('hunt-grid').getByTestId('hunt-row').first().click();
  const detail = page.getByTestId('hunt-detail');
  const raw = JSON.parse(await detail.getByTestId('hunt-raw').innerText()) as { timestamp: string; flow_id: number };
  const at = Date.parse(raw.timestamp.replace(/(\.\d{3})\d*\+0000$/, '$1Z'));
  const pivots = detail.getByRole('group', { name: 'Hunt around this record' });
  await expect(pivots.getByRole('link')).toHaveText(['Its flow', 'Its hosts ±5 min']);
  // (a lookup has no community id: no pivot for it)
  await expect(pivots.getByTestId('pivot-community')).toHaveCount(0);
  await page.screenshot({ path: screenshotPath('hunt-record-pivots') });
  // its flow, a day either side of the record (not the view's 7 days): the lookup itself
  await pivots.getByTestId('pivot-flow').click();
  await expect(page.getByRole('searchbox', { name: 'Query' })).toHaveValue(`flow_id:${raw.flow_id}`);
  await expect(page.getByTestId('hunt-total')).toHaveText('1 record');
  let p = new URL(page.url().replace('#/hunt?', '?')).searchParams;
  expect([Date.parse(p.get('from')!), Date.parse(p.get('to')!)]).toEqual([at - 86_400_000, at + 86_400_001]);
  await page.goBack();
  // its hosts five minutes either side: every lookup of the test (they are seconds apart)
  await page.getByTestId('hunt-grid').getByTestId('hunt-row').first().click();
  await pivots.getByTestId('pivot-hosts').click();
  await expect(page.getByRole('searchbox', { name: 'Query' })).toHaveValue('ip:(10.0.0.5 OR 10.0.0.53)');
  p = new URL(page.url().replace('#/hunt?', '?')).searchParams;
  expect([Date.parse(p.get('from')!), Date.parse(p.get('to')!)]).toEqual([at - 300_000, at + 300_001]);
  await expect(page.getByTestId('hunt-total')).toHaveText(/^\d+ records$/);
  const total = Number((await page.getByTestId('hunt-total').innerText()).replace(/\D/g, ''));
  expect(total).toBeGreaterThanOrEqual(LOOKUPS.reduce((n, [, c]) => n + c, 0));
  expect(errors).toEqual([]);
});

test('the Time header turns the list oldest first and back, in the query', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto(`${served.url}#/hunt?q=${encodeURIComponent('dns.rrname:updates.example.ru')}`);
  const grid = page.getByTestId('hunt-grid');
  const time = grid.getByRole('columnheader', { name: 'Time' });
  await expect(time).toHaveAttribute('aria-sort', 'descending');
  const first = async () => (await grid.getByTestId('hunt-row').first().locator('time').getAttribute('datetime'))!;
  await expect(grid.getByTestId('hunt-row')).toHaveCount(7);
  const newest = await first();
  await time.getByRole('button').click();
  await expect(page.getByRole('searchbox', { name: 'Query' })).toHaveValue('dns.rrname:updates.example.ru | sort ts asc');
  await expect(time).toHaveAttribute('aria-sort', 'ascending');
  await expect.poll(first).not.toBe(newest);
  expect(Date.parse(await first())).toBeLessThan(Date.parse(newest));
  await time.getByRole('button').click();
  await expect(page.getByRole('searchbox', { name: 'Query' })).toHaveValue('dns.rrname:updates.example.ru');
  await expect.poll(first).toBe(newest);
  expect(errors).toEqual([]);
});
