import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const fixtures = path.join(root, 'test', 'fixtures', 'lint');
const eslint = new ESLint({ cwd: root });

/** Lints a fixture's text as if it lived at `as` in the repo; returns the import-rule messages. */
async function importErrors(fixture: string, as: string): Promise<string[]> {
  const text = fs.readFileSync(path.join(fixtures, fixture), 'utf8');
  const [result] = await eslint.lintText(text, { filePath: path.join(root, as) });
  expect(result, `no lint result for ${as}`).toBeDefined();
  const fatal = result!.messages.filter((m) => m.fatal);
  expect(fatal, `parse errors in ${fixture}`).toEqual([]);
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports' && m.severity === 2).map((m) => m.message);
}

/** The no-restricted-syntax messages (SQL outside main/store, inline styles) for a fixture linted as if it lived at `as`. */
async function sqlErrors(fixture: string, as: string): Promise<string[]> {
  const [result] = await eslint.lintText(fs.readFileSync(path.join(fixtures, fixture), 'utf8'), { filePath: path.join(root, as) });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.message);
}

describe('layering rules (DESIGN.md §1) are enforced by ESLint', () => {
  it('SQL outside main/store fails (a statement prepared from a literal); a regular expression does not', async () => {
    expect(await sqlErrors('sql-outside-store.ts', 'main/core/fixture.ts')).toEqual([expect.stringContaining('SQL lives in main/store')]);
    expect(await sqlErrors('sql-outside-store.ts', 'main/pipeline/fixture.ts')).toHaveLength(1);
    expect(await sqlErrors('sql-outside-store.ts', 'main/store/fixture-repo.ts')).toEqual([]);
  });

  it("a style attribute in HTML the renderer writes as text fails (the page's CSP blocks it); a class does not", async () => {
    const errors = await sqlErrors('inline-style-markup.ts', 'renderer/features/dashboard/fixture.ts');
    expect(errors).toEqual([expect.stringContaining("blocked by the page's CSP"), expect.stringContaining("blocked by the page's CSP")]);
    // main's report HTML carries its own CSP, which allows inline styles
    expect(await sqlErrors('inline-style-markup.ts', 'main/reports/fixture.ts')).toEqual([]);
  });

  it('electron imported outside main/shell and preload fails', async () => {
    expect(await importErrors('electron-in-core.ts', 'main/core/fixture.ts')).toEqual([expect.stringContaining("Only main/shell/ and preload/ may import 'electron'")]);
    expect(await importErrors('electron-subpath-in-pipeline.ts', 'main/pipeline/fixture.ts')).toHaveLength(1);
    expect(await importErrors('electron-in-core.ts', 'renderer/fixture.ts')).toHaveLength(1);
    expect(await importErrors('electron-in-core.ts', 'main/contract/fixture.ts')).not.toHaveLength(0);
  });

  it('electron in main/shell and preload is allowed', async () => {
    expect(await importErrors('shell-imports-electron.ts', 'main/shell/fixture.ts')).toEqual([]);
    expect(await importErrors('shell-imports-electron.ts', 'preload/fixture.ts')).toEqual([]);
  });

  it('renderer importing main/ beyond main/contract fails, the contract itself passes', async () => {
    expect(await importErrors('renderer-imports-store.ts', 'renderer/features/fixture.ts')).toEqual([
      expect.stringContaining('may import only main/contract/'),
    ]);
    expect(await importErrors('renderer-imports-contract.ts', 'renderer/features/fixture.ts')).toEqual([]);
  });

  it('main/contract importing anything but zod fails', async () => {
    const errors = await importErrors('contract-imports-node.ts', 'main/contract/fixture.ts');
    expect(errors).toEqual([expect.stringContaining('imports nothing but zod')]);
    expect(await importErrors('contract-imports-core.ts', 'main/contract/fixture.ts')).toHaveLength(1);
  });

  it('a migration importing project code fails', async () => {
    expect(await importErrors('migration-imports-project.ts', 'main/store/migrations/0099-fixture.ts')).toEqual([
      expect.stringContaining('Migrations import no project code'),
    ]);
  });

  it('core importing main/server fails', async () => {
    expect(await importErrors('core-imports-server.ts', 'main/core/fixture.ts')).toEqual([expect.stringContaining('sit on top')]);
  });

  it('connectors importing store or pipeline fail', async () => {
    expect(await importErrors('connector-imports-store.ts', 'main/connectors/fixture.ts')).toEqual([expect.stringContaining('imports neither main/store/ nor main/pipeline/')]);
    expect(await importErrors('connector-imports-pipeline.ts', 'main/connectors/wazuh/fixture.ts')).toEqual([expect.stringContaining('imports neither main/store/ nor main/pipeline/')]);
  });

  it('a connector folder importing another fails; the framework, contract and core are allowed', async () => {
    expect(await importErrors('connector-imports-sibling.ts', 'main/connectors/wazuh/fixture.ts')).toEqual([expect.stringContaining('imports no other connector folder')]);
    expect(await importErrors('connector-imports-framework.ts', 'main/connectors/wazuh/fixture.ts')).toEqual([]);
    expect(await importErrors('electron-in-core.ts', 'main/connectors/wazuh/fixture.ts')).toHaveLength(1);
  });
});
