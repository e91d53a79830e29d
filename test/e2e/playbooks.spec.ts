import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { runVigil, screenshotPath, simulate, startServe, type Served } from './serve-fixture.js';

/**
 * The approval flow against a real `vigil serve`: a run waits on a webhook step; the Approvals
 * view shows exactly what will be sent; the analyst edits the body and approves; the receiver gets
 * the edited request once, and the Runs view shows the step log.
 */

test.describe.configure({ mode: 'serial' });

let served: Served;
let dataDir: string;
let server: http.Server;
const bodies: string[] = [];

test.beforeAll(async () => {
  test.setTimeout(180_000);
  server = http.createServer((req, res) => {
    let b = '';
    req.on('data', (c: Buffer) => (b += c.toString('utf8')));
    req.on('end', () => {
      bodies.push(b);
      res.end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-playbooks-'));
  await simulate(dataDir, 'brute_force', 50, 3, 11);
  const file = path.join(dataDir, 'tell.yaml');
  fs.writeFileSync(
    file,
    `id: tell-soc\nname: Tell the SOC\nsteps:\n  - {id: hook, type: webhook, url: "${url}", approve: true, retries: 0, body: '{"text": "{{alert.title}}", "ip": "{{alert.src_ip}}"}'}\n  - {id: ack, type: set_status, status: ACKNOWLEDGED}\n`,
  );
  expect((await runVigil(['playbooks', 'import', file, '--data-dir', dataDir])).code).toBe(0);
  const run = await runVigil(['playbooks', 'run', 'tell-soc', '--alert', '1', '--data-dir', dataDir]);
  expect(run.stdout).toContain('waiting_approval');
  served = await startServe({ dataDir });
});

test.afterAll(async () => {
  await served?.stop();
  server?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

test('approve a waiting step with an edit; the receiver gets exactly that, once', async ({ page }) => {
  test.setTimeout(120_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${served.url}#/playbooks/approvals`);
  const approval = page.getByTestId('approval');
  await expect(approval).toHaveCount(1, { timeout: 20_000 });
  await expect(approval.getByTestId('approval-summary')).toContainText('Step 1 (webhook): POST the alert to 127.0.0.1');
  await expect(approval.getByTestId('approval-request')).toContainText('"ip":');
  expect(bodies).toHaveLength(0);
  await page.screenshot({ path: screenshotPath('playbooks-approval') });
  await approval.getByLabel('Change fields of this step before approving (optional, JSON)').fill('{"body": "{\\"text\\": \\"edited {{alert.id}}\\"}"}');
  await approval.getByTestId('approve').click();
  await expect.poll(() => bodies, { timeout: 20_000 }).toEqual(['{"text": "edited 1"}']);
  await expect(page.getByText('Nothing waits for approval')).toBeVisible({ timeout: 20_000 });
  await page.goto(`${served.url}#/playbooks/runs`);
  const run = page.locator('[data-run-status="succeeded"]');
  await expect(run).toHaveCount(1);
  await run.locator('summary').first().click();
  await expect(run.getByTestId('run-steps').locator('[data-step-status="done"]')).toHaveCount(2);
  expect(errors).toEqual([]);
});

test('the run log is on the case of the alert it ran on', async ({ page }) => {
  test.setTimeout(120_000);
  // alert 1, which the approved run above acted on, escalated to a new case
  await page.goto(`${served.url}#/alerts/1`);
  await expect(page.getByTestId('alert-detail')).toHaveAttribute('data-alert-id', '1', { timeout: 20_000 });
  // the panel carries the id from the link at once; alert 1 is not in the list's first page, so `e`
  // has nothing to act on until the detail has loaded it
  await expect(page.getByTestId('alert-detail').getByTestId('score-breakdown')).toBeVisible({ timeout: 20_000 });
  await page.evaluate(() => (document.activeElement instanceof HTMLElement ? document.activeElement.blur() : undefined));
  await page.keyboard.press('e');
  const dialog = page.getByTestId('escalate-dialog');
  await dialog.getByTestId('escalate-title').fill('Brute force on web-01');
  await dialog.getByTestId('escalate-submit').click();
  await expect(dialog).toBeHidden({ timeout: 20_000 });
  await page.getByRole('link', { name: /^Open case #\d+$/ }).click();
  await page.getByTestId('tab-playbooks').click();
  const run = page.locator('[data-run-status="succeeded"]');
  await expect(run).toHaveCount(1);
  await expect(run).toContainText('Tell the SOC');
  await run.locator('summary').first().click();
  await expect(run.getByTestId('run-steps').locator('[data-step-status="done"]')).toHaveCount(2);
  await page.screenshot({ path: screenshotPath('case-playbook-runs') });
});

test('a feed step with the feed off: done, and the run log says nothing was sent', async ({ page }) => {
  test.setTimeout(120_000);
  const file = path.join(dataDir, 'feed.yaml');
  fs.writeFileSync(file, 'id: tell-team\nname: Tell the team\nsteps:\n  - {id: tell, type: feed, message: "P1 escalated: {{alert.title}}"}\n');
  expect((await runVigil(['playbooks', 'import', file, '--data-dir', dataDir])).code).toBe(0);
  expect((await runVigil(['playbooks', 'run', 'tell-team', '--alert', '1', '--data-dir', dataDir])).stdout).toContain('outcome: the LAN feed is off: nothing sent');
  await page.goto(`${served.url}#/playbooks/runs`);
  const run = page.locator('[data-run-status="succeeded"]', { hasText: 'Tell the team' });
  await expect(run).toHaveCount(1, { timeout: 20_000 });
  await run.locator('summary').first().click();
  const step = run.getByTestId('run-steps').locator('[data-step-status="done"]');
  await expect(step).toContainText('Tell the LAN feed (native):');
  await expect(step.getByTestId('step-outcome')).toHaveText('the LAN feed is off: nothing sent');
});
