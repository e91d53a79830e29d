import { expect, test, type Page } from '@playwright/test';
import { holdCalls, screenshotPath, serveIngested, type Served } from './serve-fixture.js';

/**
 * The alert's Evidence section and the Hosts screen against a real `vigil serve`, over EVE lines in
 * Suricata's real shapes (see test/fixtures/eve): one HTTP download from 10.0.0.5 that raised an
 * alert, with its http, fileinfo and flow records under one flow_id (a 64-bit id beyond a double's
 * exact range), the same flow from a second sensor (same community_id, its own flow_id), and the
 * host's DNS lookup before it, a TLS session after it and a DNS query two hours earlier (outside
 * the default window).
 */

test.describe.configure({ mode: 'serial' });

const FLOW = '8422898859791863878';
const FLOW_B = '2240001100220033';
const CID = '1:LQU9qZlK+B5F3KDmev6m5PMibrg=';
const HOST = '10.0.0.5';
const SERVER = '93.184.216.34';
const TITLE = 'ET POLICY curl User-Agent Outbound';
const BRUTE_SRC = '81.2.69.142';

let served: Served;
/** When the alert's HTTP download happened. */
let BASE = 0;

/** Suricata writes microseconds and a numeric offset. */
const eveTime = (ms: number) => new Date(ms).toISOString().replace('Z', '000+0000');

function eveLines(base: number): string[] {
  const conn = { src_ip: HOST, src_port: 51000, dest_ip: SERVER, dest_port: 80, proto: 'TCP', community_id: CID };
  const http = { hostname: 'direkte.vg.no', url: '/jansson/releases/jansson-2.6.tar.gz', http_user_agent: 'curl/8.5.0', http_content_type: 'application/x-gzip', http_method: 'GET', protocol: 'HTTP/1.1', status: 200, length: 445497 };
  const flow = { pkts_toserver: 120, pkts_toclient: 330, bytes_toserver: 9120, bytes_toclient: 460230, start: eveTime(base - 200), end: eveTime(base + 4000), age: 4, state: 'closed', reason: 'timeout', alerted: true };
  const dns = (at: number, port: number, type: 'query' | 'answer', rrname: string) => ({
    timestamp: eveTime(at),
    flow_id: `40000000000${port}`,
    event_type: 'dns',
    ...(type === 'query' ? { src_ip: HOST, src_port: port, dest_ip: '10.0.0.53', dest_port: 53 } : { src_ip: '10.0.0.53', src_port: 53, dest_ip: HOST, dest_port: port }),
    proto: 'UDP',
    dns:
      type === 'query'
        ? { type: 'query', id: port, rrname, rrtype: 'A', tx_id: 0 }
        : { version: 2, type: 'answer', id: port, flags: '8180', qr: true, rd: true, ra: true, rcode: 'NOERROR', rrname, rrtype: 'A', answers: [{ rrname, rrtype: 'A', ttl: 300, rdata: SERVER }] },
    host: 'sensor-1',
  });
  const lines: Record<string, unknown>[] = [
    dns(base - 2 * 3_600_000, 40001, 'query', 'old.example.org'),
    dns(base - 30_000, 40002, 'query', 'direkte.vg.no'),
    dns(base - 29_900, 40002, 'answer', 'direkte.vg.no'),
    { timestamp: eveTime(base), flow_id: FLOW, event_type: 'http', ...conn, tx_id: 0, http, host: 'sensor-1' },
    {
      timestamp: eveTime(base + 100),
      flow_id: FLOW,
      event_type: 'alert',
      ...conn,
      tx_id: 0,
      alert: { action: 'allowed', gid: 1, signature_id: 2013028, rev: 8, signature: TITLE, category: 'Attempted Information Leak', severity: 2 },
      http,
      app_proto: 'http',
      host: 'sensor-1',
    },
    {
      timestamp: eveTime(base + 200),
      flow_id: FLOW,
      event_type: 'fileinfo',
      ...conn,
      http,
      app_proto: 'http',
      fileinfo: { filename: '/jansson/releases/jansson-2.6.tar.gz', magic: 'gzip compressed data', gaps: false, state: 'CLOSED', sha256: '1e2b5ed3c3ff6d6d1e1ef4d4b3b8b0f1a3f6e8c1b2a3d4e5f60718293a4b5c6d', stored: false, size: 445497, tx_id: 0 },
      host: 'sensor-1',
    },
    { timestamp: eveTime(base + 5000), flow_id: FLOW, event_type: 'flow', ...conn, app_proto: 'http', flow, host: 'sensor-1' },
    { timestamp: eveTime(base + 5100), flow_id: FLOW_B, event_type: 'flow', ...conn, app_proto: 'http', flow: { ...flow, alerted: false }, host: 'sensor-2' },
    {
      timestamp: eveTime(base + 60_000),
      flow_id: '4000000000050000',
      event_type: 'tls',
      src_ip: HOST,
      src_port: 51001,
      dest_ip: '142.250.74.46',
      dest_port: 443,
      proto: 'TCP',
      tls: { subject: 'CN=*.google.com', issuerdn: 'C=US, O=Google Trust Services, CN=WR2', sni: 'www.google.com', version: 'TLS 1.3', ja3: { hash: 'e7d705a3286e19ea42f587b344ee6865', string: '771,4865' } },
      host: 'sensor-1',
    },
  ];
  // flow ids are uint64: written as JSON numbers, digit for digit
  return lines.map((l) => JSON.stringify(l).replace(/"flow_id":"(\d+)"/, '"flow_id":$1'));
}

/** Six failed SSH logins on a Wazuh agent from one address within a minute (Wazuh alerts.json shape): a brute force. */
function wazuhFailures(base: number): string[] {
  return [0, 1, 2, 3, 4, 5].map((i) =>
    JSON.stringify({
      timestamp: new Date(base + i * 2000).toISOString().replace('Z', '+0000'),
      rule: { level: 5, id: '5716', description: 'sshd: authentication failed.', groups: ['syslog', 'sshd', 'authentication_failed'], mitre: { id: ['T1110.001'] } },
      agent: { id: '001', name: 'web-01', ip: '10.0.0.7' },
      manager: { name: 'wazuh-manager' },
      id: `1733400000.${1000 + i}`,
      data: { srcip: BRUTE_SRC, dstip: '10.0.0.7', srcuser: 'root', srcport: String(50000 + i) },
      full_log: `Failed password for root from ${BRUTE_SRC} port ${50000 + i} ssh2`,
      location: '/var/log/auth.log',
    }),
  );
}

test.beforeAll(async () => {
  test.setTimeout(120_000);
  BASE = Date.now() - 10 * 60_000;
  served = await serveIngested({ 'eve.json': eveLines(BASE), 'alerts.json': wazuhFailures(Date.now() - 5 * 60_000) });
});

test.afterAll(async () => {
  await served?.stop();
});

function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  return errors;
}

test('an alert shows its flow, the same flow from another sensor and the hosts DNS records; the window widens', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto(`${served.url}#/alerts`);
  await page.getByRole('grid', { name: 'Alerts' }).getByText(TITLE).click();
  const detail = page.getByTestId('alert-detail');
  const evidence = detail.getByTestId('evidence');
  await evidence.scrollIntoViewIfNeeded();

  const flowRows = evidence.locator('[data-testid="evidence-record"][data-relation="flow"]');
  await expect(flowRows).toHaveCount(4);
  expect((await flowRows.evaluateAll((els) => els.map((e) => e.getAttribute('data-event-type')))).sort()).toEqual(['alert', 'fileinfo', 'flow', 'http']);
  await expect(evidence.getByTestId('evidence-flow-note')).toHaveText('4 records of the same flow, 1 from other sensors by community id.');
  const community = evidence.locator('[data-testid="evidence-record"][data-relation="community"]');
  await expect(community).toHaveCount(1);
  await expect(community).toContainText('sensor-2');
  await expect(flowRows.and(page.locator('[data-event-type="http"]'))).toContainText('GET direkte.vg.no/jansson/releases/jansson-2.6.tar.gz → 200');
  await expect(flowRows.and(page.locator('[data-event-type="flow"]'))).toContainText('450 pkts');

  // the host's records in ±5 min: the DNS lookup and answer before the download, the TLS session after
  const hostRows = evidence.locator('[data-testid="evidence-record"][data-relation="host"]');
  await expect(hostRows).toHaveCount(3);
  const dnsRows = evidence.locator('[data-testid="evidence-record"][data-event-type="dns"]');
  await expect(dnsRows).toHaveCount(2);
  await expect(dnsRows.nth(1)).toContainText(`answer direkte.vg.no A NOERROR → ${SERVER}`);
  await expect(evidence).not.toContainText('old.example.org');

  // one timeline, oldest first: the DNS lookup precedes the download
  const types = await evidence.getByTestId('evidence-timeline').locator('[data-testid="evidence-record"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-event-type')));
  expect(types.slice(0, 3)).toEqual(['dns', 'dns', 'http']);
  expect(types.at(-1)).toBe('tls');

  // a record opens to its raw line, with the 64-bit flow id exact
  await flowRows.and(page.locator('[data-event-type="flow"]')).getByRole('button').click();
  const raw = flowRows.and(page.locator('[data-event-type="flow"]')).getByTestId('raw-event');
  await expect(raw.locator('pre')).toContainText(`"flow_id": ${FLOW},`);
  // two records open at once keep their own Pretty / Original choice
  const httpRow = flowRows.and(page.locator('[data-event-type="http"]'));
  await httpRow.getByRole('button', { expanded: false }).click();
  await httpRow.getByTestId('raw-event').getByText('Original').click();
  await expect(httpRow.getByTestId('raw-event').getByRole('radio', { name: 'Original' })).toBeChecked();
  await expect(raw.getByRole('radio', { name: 'Pretty' })).toBeChecked();
  await expect(raw.locator('pre')).toContainText(`"flow_id": ${FLOW},`);

  // the links to Hunt carry the queries of each part, over the alert's own time (not the last 24 h)
  const spanOf = async (testId: string, q: string) => {
    const href = (await evidence.getByTestId(testId).getAttribute('href'))!;
    expect(href.startsWith('#/hunt?')).toBe(true);
    const p = new URLSearchParams(href.slice('#/hunt?'.length));
    expect([...p.keys()]).toEqual(['q', 'from', 'to']);
    expect(p.get('q')).toBe(q);
    return [Date.parse(p.get('from')!), Date.parse(p.get('to')!)];
  };
  const [flowFrom, flowTo] = await spanOf('hunt-flow', `flow_id:${FLOW}`);
  expect([flowFrom! < BASE - 86_000_000, flowTo! > BASE + 86_000_000]).toEqual([true, true]);
  expect(await spanOf('hunt-community', `community_id:${CID}`)).toEqual([flowFrom, flowTo]);
  // the hosts' records over the window shown (±5 min)
  const [hostsFrom, hostsTo] = await spanOf('hunt-hosts', `ip:(${HOST} OR ${SERVER}) event_type:(dns OR http OR tls OR fileinfo)`);
  expect([hostsFrom! > BASE - 3_600_000, hostsFrom! < BASE - 60_000, hostsTo! < BASE + 3_600_000]).toEqual([true, true, true]);

  await expect(evidence.getByTestId('evidence-host-src')).toHaveAttribute('href', `#/hosts/${HOST}`);
  await expect(evidence.getByTestId('evidence-host-dst')).toHaveAttribute('href', `#/hosts/${SERVER}`);

  // ±24 h reaches the DNS query two hours before
  await evidence.getByRole('radiogroup', { name: 'Host records window' }).getByText('±24 h').click();
  await expect(dnsRows).toHaveCount(3);
  await expect(dnsRows.first()).toContainText('query old.example.org A');
  await expect(evidence.getByTestId('evidence-hosts-note')).toContainText('within ±24 h');

  // filtering by type keeps only that type
  await evidence.getByRole('group', { name: 'Show record types' }).getByRole('button', { name: /^DNS/ }).click();
  await expect(evidence.locator('[data-testid="evidence-record"]')).toHaveCount(3);
  await evidence.scrollIntoViewIfNeeded();
  await page.screenshot({ path: screenshotPath('evidence') });

  // Hunt opens over that span: the flow's four records, the span in the range picker
  await evidence.getByTestId('hunt-flow').click();
  await expect(page.getByTestId('hunt-total')).toHaveText('4 records');
  await expect(page.getByRole('combobox', { name: 'Time range' }).locator('option:checked')).toHaveText(/ – /);
  expect(errors).toEqual([]);
});

test('a wider window keeps the records on screen while it loads', async ({ page }) => {
  const hold = await holdCalls(page, []);
  await page.goto(`${served.url}#/alerts`);
  await page.getByRole('grid', { name: 'Alerts' }).getByText(TITLE).click();
  const evidence = page.getByTestId('alert-detail').getByTestId('evidence');
  const records = evidence.locator('[data-testid="evidence-record"]');
  await expect(records).toHaveCount(8);
  hold.holding.add('events.evidence');
  await evidence.getByRole('radiogroup', { name: 'Host records window' }).getByText('±24 h').click();
  await expect.poll(() => hold.held.length).toBe(1);
  // the ±5 min records stay, dimmed, not a skeleton
  await expect(evidence).toHaveClass(/refreshing/);
  await expect(records).toHaveCount(8);
  hold.release('events.evidence');
  await expect(records).toHaveCount(9);
  await expect(evidence).not.toHaveClass(/refreshing/);
});

test("an alert names its case and pins an event to its timeline; a record of its Evidence is kept with that case, chosen first", async ({ page }) => {
  const errors = watchErrors(page);
  // the alert goes to a case of its own
  await page.goto(`${served.url}#/alerts`);
  await page.getByRole('grid', { name: 'Alerts' }).getByText(TITLE).click();
  const detail = page.getByTestId('alert-detail');
  await expect(detail.getByTestId('detail-status')).toBeVisible();
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press('e');
  const escalate = page.getByTestId('escalate-dialog');
  await escalate.getByTestId('escalate-title').fill('curl download on 10.0.0.5');
  await escalate.getByTestId('escalate-submit').click();
  await expect(escalate).toBeHidden({ timeout: 20_000 });
  const href = (await page.getByRole('link', { name: /^Open case #\d+$/ }).getAttribute('href'))!;
  const caseId = href.match(/#\/cases\/(\d+)/)![1]!;
  // the detail names the case now, and an occurrence pins itself to the case's timeline
  await expect(detail.getByTestId('detail-case')).toHaveText(`#${caseId} curl download on 10.0.0.5 (open)`);
  await page.screenshot({ path: screenshotPath('alert-case-line') });
  await detail.getByTestId('pin-event').click();
  const pin = page.getByTestId('pin-dialog');
  await expect(pin.getByTestId('pin-title')).toHaveValue(TITLE);
  await pin.getByTestId('pin-title').fill('curl fetched the jansson tarball');
  await pin.getByTestId('pin-submit').click();
  await expect(pin).toBeHidden();
  await expect(page.getByRole('status').filter({ hasText: `Pinned to the timeline of case #${caseId}` })).toBeVisible();

  // a newer open case, made from a hunt: it is the first of the open cases now
  await page.goto(`${served.url}#/hunt?q=${encodeURIComponent('event_type:tls')}`);
  await page.getByTestId('hunt-grid').getByTestId('hunt-row').first().click();
  await page.getByTestId('hunt-keep').click();
  const keep = page.getByTestId('keep-dialog');
  await keep.getByText('New case', { exact: true }).click();
  await keep.getByTestId('keep-title').fill('TLS to an odd SNI');
  await keep.getByTestId('keep-submit').click();
  await expect(keep).toBeHidden();

  // from the alert's Evidence, its own case is the one offered
  await page.goto(`${served.url}#/alerts`);
  await page.getByRole('grid', { name: 'Alerts' }).getByText(TITLE).click();
  const evidence = detail.getByTestId('evidence');
  const httpRow = evidence.locator('[data-testid="evidence-record"][data-relation="flow"][data-event-type="http"]');
  await httpRow.getByRole('button', { expanded: false }).click();
  await httpRow.getByTestId('evidence-keep').click();
  await expect(keep.getByTestId('keep-case')).toHaveValue(caseId);
  await expect(keep.getByTestId('keep-case').locator('option')).toHaveCount(2);
  await keep.getByTestId('keep-submit').click();
  await expect(page.getByRole('status').filter({ hasText: `Kept 1 record in case #${caseId}` })).toBeVisible();
  await page.goto(`${served.url}#/cases/${caseId}/records`);
  await expect(page.getByTestId('case-records')).toContainText('direkte.vg.no/jansson/releases/jansson-2.6.tar.gz');
  await page.goto(`${served.url}#/cases/${caseId}/timeline`);
  const timeline = page.getByTestId('case-timeline');
  await expect(timeline.locator('.tl-event')).toContainText('curl fetched the jansson tarball');
  await expect(timeline.locator('.tl-record')).toContainText('http ');
  await page.screenshot({ path: screenshotPath('case-timeline-kept') });
  expect(errors).toEqual([]);
});

test('a correlation alert lists the failed logins that made it fire', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto(`${served.url}#/alerts?rule_id=vigil:brute_force`);
  await page.getByRole('grid', { name: 'Alerts' }).getByText(/^Brute force: 5 authentication failures from 81\.2\.69\.142/).click();
  const evidence = page.getByTestId('alert-detail').getByTestId('evidence');
  const contributors = evidence.getByTestId('evidence-contributors');
  await contributors.scrollIntoViewIfNeeded();
  await expect(contributors.getByRole('heading')).toHaveText('Contributing events 6');
  const rows = contributors.getByTestId('evidence-contributor');
  await expect(rows).toHaveCount(6);
  for (const r of await rows.all()) {
    await expect(r).toContainText('sshd: authentication failed.');
    await expect(r).toContainText(`${BRUTE_SRC}:`);
  }
  await expect(evidence.getByTestId('evidence-flow-note')).toContainText('A correlation alert has no flow of its own');
  expect(errors).toEqual([]);
});

test('the Hosts screen lists the addresses; a host page shows its facts, records and links', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto(`${served.url}#/hosts`);
  const grid = page.getByTestId('hosts-grid');
  const row = grid.locator(`[data-testid="host-row"][data-key="${HOST}"]`);
  await expect(row).toBeVisible();
  await expect(row).toContainText('Private');

  // search by CIDR keeps the block, in the URL too
  await page.getByTestId('hosts-search').fill('93.184.216.0/24');
  await page.getByTestId('hosts-search').press('Enter');
  await expect(grid.locator('[data-testid="host-row"]')).toHaveCount(1);
  await expect(grid.locator('[data-testid="host-row"]')).toHaveAttribute('data-key', SERVER);
  expect(page.url()).toContain('#/hosts?q=93.184.216.0/24');
  // what is not an address or block is explained, not listed as empty
  await page.getByTestId('hosts-search').fill('10.0.0.0/33');
  await page.getByTestId('hosts-search').press('Enter');
  await expect(page.getByRole('heading', { name: 'Not an address or CIDR block' })).toBeVisible();
  await page.getByTestId('hosts-search').fill('');
  await page.getByTestId('hosts-search').press('Enter');
  await expect(row).toBeVisible();

  // the Records header sorts by record count (most first), in the URL too
  await grid.getByRole('columnheader', { name: 'Records' }).getByRole('button').click();
  await expect(grid.getByRole('columnheader', { name: 'Records' })).toHaveAttribute('aria-sort', 'descending');
  expect(page.url()).toContain('#/hosts?sort=records');
  await expect(grid.locator('[data-testid="host-row"]').first()).toHaveAttribute('data-key', HOST);

  // keyboard: focus the list, move to the host, Enter opens its page
  await grid.locator('[data-testid="host-row"]').first().focus();
  const keys = await grid.locator('[data-testid="host-row"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-key')));
  for (let i = 0; i < keys.indexOf(HOST); i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');

  const host = page.getByTestId('host-page');
  await expect(host).toHaveAttribute('data-ip', HOST);
  expect(page.url()).toContain(`#/hosts/${HOST}`);
  await expect(host.getByTestId('host-facts')).toContainText('Private');
  await expect(host.locator('[data-testid="host-recent"][data-event-type="dns"]')).toContainText('query direkte.vg.no A');
  await expect(host.locator('[data-testid="host-recent"][data-event-type="tls"]')).toContainText('SNI www.google.com');
  await expect(host.getByRole('link', { name: TITLE })).toBeVisible();
  // "Hunt this host" over the host's life (first to last seen): the records this page counts
  await expect(host.getByTestId('host-hunt-link')).toHaveAttribute('href', new RegExp(`^#/hunt\\?q=${encodeURIComponent(`ip:${HOST}`)}&from=[^&]+&to=[^&]+$`));
  await expect(host.getByTestId('host-alerts-link')).toHaveAttribute('href', `#/alerts?host=${HOST}`);
  // when it was active: its records over its life, every one in a bar
  const activity = host.getByTestId('host-activity');
  await expect(activity.getByTestId('host-activity-bucket').first()).toBeAttached();
  const counted = await activity.locator('td').evaluateAll((tds) => tds.reduce((n, td) => n + Number(td.textContent), 0));
  const records = (await host.getByTestId('host-facts').textContent())!.match(/Records\s*([\d,]+)/i)![1]!;
  expect(counted).toBe(Number(records.replace(/,/g, '')));
  await expect(host.getByTestId('host-ports')).toHaveAttribute('aria-busy', 'false');
  await page.waitForTimeout(400); // the bars' animation
  await page.screenshot({ path: screenshotPath('host-page') });
  await host.getByTestId('host-hunt-link').click();
  await expect(page.getByTestId('hunt-total')).toHaveText(`${records} records`);
  await page.goBack();
  // a bar opens Hunt over the host's records of that time
  const bar = host.getByTestId('host-activity').getByTestId('host-activity-bucket').last();
  const barCount = Number(await bar.locator('xpath=../../td').textContent());
  await bar.evaluate((a: HTMLAnchorElement) => a.click());
  await expect(page).toHaveURL(/#\/hunt\?q=.*&from=.*&to=/);
  await expect(page.getByTestId('hunt-total')).toHaveText(`${barCount} ${barCount === 1 ? 'record' : 'records'}`);
  const barHunt = page.url();
  await page.goBack();
  // and from the keyboard: the chart takes the focus, End picks the last bar, Enter opens it
  await host.getByTestId('host-activity-chart').focus();
  await page.keyboard.press('End');
  await expect(host.getByTestId('host-activity-chart-bar')).toHaveText(new RegExp(`: ${barCount} records?\\. Enter zooms into it\\.$`));
  // its tooltip, whole inside the card
  const tip = host.getByTestId('host-activity').getByText('Click the bar (or Enter) to zoom into it');
  await expect(tip).toBeVisible();
  const [tipBox, cardBox] = [(await tip.locator('xpath=..').boundingBox())!, (await host.getByTestId('host-activity').boundingBox())!];
  expect(tipBox.y).toBeGreaterThanOrEqual(cardBox.y);
  expect(tipBox.y + tipBox.height).toBeLessThanOrEqual(cardBox.y + cardBox.height);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(barHunt);
  await page.goBack();

  // "alerts on this host" opens the queue filtered by it
  await host.getByTestId('host-alerts-link').click();
  const alerts = page.getByRole('grid', { name: 'Alerts' });
  await expect(alerts.locator('[data-row-id]')).toHaveCount(1);
  await expect(alerts).toContainText(TITLE);

  // an address no record names says so, with the pivots still offered
  await page.goto(`${served.url}#/hosts/10.99.0.1`);
  await expect(page.getByRole('heading', { name: 'No record names 10.99.0.1' })).toBeVisible();
  await expect(page.getByTestId('host-hunt-link')).toHaveAttribute('href', `#/hunt?q=${encodeURIComponent('ip:10.99.0.1')}`);

  // "Scan this host…" opens the Scans screen's start dialog on the address (no scanner here: it
  // says so, names the address and leads to Tools)
  await page.getByTestId('host-scan-link').click();
  const start = page.getByTestId('start-scan-dialog');
  await expect(start).toBeVisible();
  await expect(start.getByRole('heading', { name: 'No scanner connected' })).toBeVisible();
  await expect(start).toContainText('To scan 10.99.0.1, add a scanner first');
  await expect(start.getByRole('link', { name: 'Connect a scanner' })).toHaveAttribute('href', '#/tools');
  await start.getByRole('button', { name: 'Close', exact: true }).click();
  await expect(start).toBeHidden();
  await expect(page).toHaveURL(/#\/scans$/);
  expect(errors).toEqual([]);
});

test('a host page counts the ports of its flows, each side, and opens them in Hunt', async ({ page }) => {
  const errors = watchErrors(page);
  const portHref = (q: string) => `#/hunt?${new URLSearchParams({ q }).toString()}`;
  // the client reached the server's port 80 (one flow from each sensor) and answers on nothing
  await page.goto(`${served.url}#/hosts/${HOST}`);
  const ports = page.getByTestId('host-ports');
  await expect(ports).toContainText('flows, last 24 hours');
  await expect(ports.getByTestId('host-port')).toHaveCount(1);
  const reached = ports.getByTestId('host-port');
  await expect(reached).toContainText('80/TCP');
  await expect(reached.locator('.count-bar-count')).toHaveText('2');
  await expect(reached).toHaveAttribute('href', portHref(`event_type:flow src_ip:${HOST} dst_port:80 proto:TCP`));
  await expect(ports).toContainText('No flow has this host as destination.');
  // its DNS answers (logged from the resolver's side, to the client's own port) are not services
  await expect(ports).not.toContainText('/UDP');
  await ports.scrollIntoViewIfNeeded();
  await page.screenshot({ path: screenshotPath('host-ports') });

  // the server answers on port 80
  await page.goto(`${served.url}#/hosts/${SERVER}`);
  const answered = page.getByTestId('host-ports').getByTestId('host-port');
  await expect(answered).toHaveCount(1);
  await expect(answered).toContainText('80/TCP');
  await expect(answered).toHaveAttribute('href', portHref(`event_type:flow dst_ip:${SERVER} dst_port:80 proto:TCP`));
  await expect(page.getByTestId('host-ports')).toContainText('No flow has this host as source.');
  // the resolver has DNS records and no flow: the card says so once, not twice
  await page.goto(`${served.url}#/hosts/10.0.0.53`);
  await expect(page.getByTestId('host-ports-none')).toContainText('No flow record names this host in the last 24 hours: its sensor may not log flows');
  await expect(page.getByTestId('host-port')).toHaveCount(0);
  await page.goBack();
  await answered.click();
  await expect(page.getByTestId('hunt-total')).toHaveText('2 records');
  await expect(page.getByTestId('hunt-grid').getByTestId('hunt-row')).toHaveCount(2);
  expect(errors).toEqual([]);
});

test('a host page left while its ports are counted asks nothing more; the next page\'s ports come', async ({ page }) => {
  const errors = watchErrors(page);
  const hold = await holdCalls(page, ['events.groupby']);
  await page.goto(`${served.url}#/hosts/${HOST}`);
  await expect.poll(() => hold.held.length).toBe(1);
  // to the server's page (in the page: the same socket) while the client's first count is out
  await page.evaluate((ip) => (location.hash = `#/hosts/${ip}`), SERVER);
  await expect(page.getByTestId('host-page')).toHaveAttribute('data-ip', SERVER);
  await expect.poll(() => hold.held.length).toBe(2);
  // the client's count answers: its page is gone, and it does not ask its second (which would
  // replace the server page's count waiting behind it)
  hold.held[0]!.release();
  await page.waitForTimeout(500);
  expect(hold.held).toHaveLength(2);
  hold.release('events.groupby');
  const answered = page.getByTestId('host-ports').getByTestId('host-port');
  await expect(answered).toHaveCount(1);
  await expect(answered).toContainText('80/TCP');
  await expect(page.getByTestId('host-ports')).not.toContainText('Could not count');
  expect(errors).toEqual([]);
});

test('the value menu in the Hosts list: an address hunts itself, not the host page under it', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto(`${served.url}#/hosts`);
  const row = page.getByTestId('hosts-grid').locator(`[data-testid="host-row"][data-key="${HOST}"]`);
  const address = row.locator('[data-value-kind="ip"]');
  await expect(address).toHaveText(HOST);
  // the row keeps the keyboard: the address is a right-click, with no tab stop of its own
  await expect(address).not.toHaveAttribute('tabindex');
  await address.click({ button: 'right' });
  const menu = page.getByRole('menu', { name: `Actions on ${HOST}` });
  await expect(menu.getByRole('menuitem')).toHaveText([`Hunt ${HOST}`, `Filter alerts by ${HOST}`, `Scan ${HOST}…`, 'Copy']);
  // where the click was (a row's transform does not carry the menu away)
  const at = (await address.boundingBox())!;
  const box = (await menu.boundingBox())!;
  expect(Math.abs(box.x - (at.x + at.width / 2))).toBeLessThan(3);
  expect(Math.abs(box.y - (at.y + at.height / 2))).toBeLessThan(3);
  await page.screenshot({ path: screenshotPath('hosts-value-menu') });
  await menu.getByRole('menuitem', { name: `Hunt ${HOST}` }).click();
  await expect(page.getByRole('searchbox', { name: 'Query' })).toHaveValue(`ip:${HOST}`);
  await expect(page).toHaveURL(/#\/hunt\?/);
  await expect(page.getByTestId('hunt-grid').getByTestId('hunt-row').first()).toContainText(HOST);
  // and from the keyboard: Enter on the row still opens the host page
  await page.goBack();
  await row.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('host-page')).toHaveAttribute('data-ip', HOST);
  expect(errors).toEqual([]);
});
