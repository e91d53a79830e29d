import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScanFinding } from '../../main/contract/index.js';
import { blankAsset } from '../../main/connectors/findings.js';
import { AuditRepo } from '../../main/store/audit-repo.js';
import { closeDatabase, openDatabase, type Database } from '../../main/store/db.js';
import { FindingsRepo } from '../../main/store/findings-repo.js';
import { ScansRepo } from '../../main/store/scans-repo.js';
import { tempDir } from '../helpers/tmp.js';

let db: Database | null = null;
afterEach(() => {
  if (db) closeDatabase(db);
  db = null;
});

async function setup() {
  db = (await openDatabase(path.join(tempDir(), 'f.db'))).db;
  const now = () => new Date('2026-12-01T10:00:00Z');
  const audit = new AuditRepo(db, now);
  const scans = new ScansRepo(db, now);
  const repo = new FindingsRepo(db, audit);
  const scan = () => scans.create({ tool: 'gvm', connector_id: 'gvm-1', target: '10.0.0.0/24', options: {}, tool_state: { phase: 'task' }, created_by: 'ana' }).id;
  return { audit, scans, repo, scan };
}

function finding(key: string, extra: Partial<ScanFinding> = {}): ScanFinding {
  return {
    source: 'gvm',
    key,
    ruleId: '1.3.6.1.4.1.25623.1.0.108440',
    title: `finding-${key}`,
    severity: 'high',
    severityRaw: '7.5',
    confidence: null,
    confidenceScore: 80,
    cvss: 7.5,
    cves: ['CVE-2021-44228'],
    cweId: null,
    wascId: null,
    asset: { ...blankAsset(), host: '10.0.0.5', port: 443, protocol: 'tcp' },
    evidence: 'banner',
    description: 'd',
    solution: 'update',
    references: [],
    observedAt: null,
    raw: { key },
    ...extra,
  };
}

const origin = (scanId: number, seenAt = '2026-12-01T10:00:00.000Z') => ({ scanId, connectorId: 'gvm-1', target: '10.0.0.0/24', seenAt });

describe('findings repository', () => {
  it('the same identity imported twice is one finding; its status survives the re-import', async () => {
    const { repo, scan } = await setup();
    const s1 = scan();
    expect(repo.upsert([finding('a'), finding('b')], origin(s1))).toEqual({ inserted: 2, updated: 0, reopened: [] });
    expect(repo.upsert([finding('a'), finding('b')], origin(s1))).toEqual({ inserted: 0, updated: 2, reopened: [] });
    const a = repo.list({ text: 'finding-a' }, 10, 0).items[0]!;
    expect(repo.setStatus([a.id], 'false_positive', 'ana', 'lab host', '2026-12-01T11:00:00.000Z')).toBe(1);
    const s2 = scan();
    repo.upsert([finding('a', { title: 'renamed by the scanner' }), finding('b')], origin(s2, '2026-12-02T10:00:00.000Z'));
    const again = repo.get(a.id)!;
    expect(again.finding).toMatchObject({ status: 'false_positive', title: 'renamed by the scanner', first_seen: '2026-12-01T10:00:00.000Z', last_seen: '2026-12-02T10:00:00.000Z', last_scan_id: s2 });
    expect(again.scan_ids).toEqual([s2, s1]);
    expect(repo.list({}, 10, 0).total).toBe(2);
  });

  it('a complete run that misses an open finding fixes it (audited); one found again is reopened (audited)', async () => {
    const { repo, audit, scan } = await setup();
    const s1 = scan();
    repo.upsert([finding('a'), finding('b'), finding('c')], origin(s1));
    const [c] = repo.list({ text: 'finding-c' }, 1, 0).items;
    repo.setStatus([c!.id], 'accepted_risk', 'ana', null, 't');
    const s2 = scan();
    repo.upsert([finding('a')], origin(s2));
    const fixed = repo.markFixed(origin(s2));
    const b = repo.list({ text: 'finding-b' }, 1, 0).items[0]!;
    expect(fixed).toEqual([b.id]); // c is an accepted risk: it keeps its status
    expect(b.status).toBe('fixed');
    const s3 = scan();
    expect(repo.upsert([finding('b')], origin(s3)).reopened).toEqual([b.id]);
    expect(repo.get(b.id)!.finding.status).toBe('open');
    expect(audit.forTarget('finding', String(b.id)).map((e) => e.action)).toEqual(['finding.fixed', 'finding.reopened']);
  });

  it('filters by status, severity, host and words (CVE ids too); the exposure list has open high and critical findings with a host', async () => {
    const { repo, scan } = await setup();
    const s = scan();
    repo.upsert(
      [
        finding('h', { severity: 'high' }),
        finding('m', { severity: 'medium', cves: [] }),
        finding('c', { severity: 'critical', cves: ['CVE-2024-3094'], asset: { ...blankAsset(), host: '10.0.0.9', port: 22, protocol: 'tcp' } }),
        finding('w', { source: 'zap', severity: 'high', asset: { ...blankAsset(), url: 'https://a.test/x', host: null } }),
      ],
      origin(s),
    );
    expect(repo.list({ severity: ['high', 'critical'] }, 10, 0).total).toBe(3);
    expect(repo.list({ host: '10.0.0.9' }, 10, 0).items.map((f) => f.cves)).toEqual([['CVE-2024-3094']]);
    expect(repo.list({ text: 'CVE-2024-3094' }, 10, 0).total).toBe(1);
    expect(repo.list({ text: '100%_' }, 10, 0).total).toBe(0); // LIKE wildcards are literal
    expect(repo.list({}, 10, 0).items.map((f) => f.severity)).toEqual(['critical', 'high', 'high', 'medium']);
    expect(repo.exposed().map((e) => [e.host, e.severity])).toEqual([
      ['10.0.0.9', 'critical'],
      ['10.0.0.5', 'high'],
    ]);
  });
});

describe('findings search', () => {
  it('finds substrings through the trigram index, short words by LIKE, and follows renames and deletes', async () => {
    const { repo, scan } = await setup();
    const s = scan();
    repo.upsert([finding('x', { title: 'Apache Log4j Remote Code Execution' }), finding('y', { title: 'OpenSSH 7.4 user enumeration', cves: [] })], origin(s));
    const titles = (text: string) => repo.list({ text }, 10, 0).items.map((f) => f.title);
    expect(titles('log4j')).toEqual(['Apache Log4j Remote Code Execution']);
    expect(titles('code exec')).toEqual(['Apache Log4j Remote Code Execution']); // every word, anywhere
    expect(titles('44228')).toEqual(['Apache Log4j Remote Code Execution']); // in the CVE list
    expect(titles('7.4 ssh')).toEqual(['OpenSSH 7.4 user enumeration']);
    expect(titles('"quoted')).toEqual([]);
    repo.upsert([finding('x', { title: 'Renamed by the feed' })], origin(scan()));
    expect(titles('log4j')).toEqual([]);
    expect(titles('renamed')).toEqual(['Renamed by the feed']);
    db!.prepare('DELETE FROM findings').run();
    expect(titles('renamed')).toEqual([]);
  });
});
