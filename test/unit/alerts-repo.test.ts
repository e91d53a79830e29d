import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';
import { mulberry32 } from '../helpers/random.js';
import { sampleAlert, testServices } from '../helpers/services.js';
import { AlertsRepo, PLAN_LIMITS, alertWhere, ftsQuery, type ListPlan, type PlanLimits } from '../../main/store/alerts-repo.js';
import { AuditRepo } from '../../main/store/audit-repo.js';
import { ipKey, ipKeyRange } from '../../main/store/ipkey.js';
import { PRIORITIES, SORT_FIELDS, severityRank, type Alert, type AlertFilter, type AlertSort } from '../../main/contract/index.js';

function minutesAfter(base: string, m: number): string {
  return new Date(Date.parse(base) + m * 60_000).toISOString();
}

describe('AlertsRepo', () => {
  it('lists newest first with keyset pagination and no gaps or repeats', async () => {
    const s = await testServices(tempDir());
    const base = '2026-11-21T00:00:00.000Z';
    // 250 alerts, several sharing a last_seen so the id tiebreak matters
    s.alerts.insertMany(Array.from({ length: 250 }, (_, i) => sampleAlert({ last_seen: minutesAfter(base, Math.floor(i / 3)), first_seen: base })));
    const seen: number[] = [];
    let after;
    for (;;) {
      const page = s.alerts.list({}, 40, after);
      seen.push(...page.items.map((a) => a.id));
      if (!page.next) break;
      after = page.next;
    }
    expect(seen).toHaveLength(250);
    expect(new Set(seen).size).toBe(250);
    const all = s.alerts.list({}, 500).items;
    expect(all.map((a) => a.id)).toEqual(seen);
    for (let i = 1; i < all.length; i++) {
      const [p, c] = [all[i - 1]!, all[i]!];
      expect(p.last_seen > c.last_seen || (p.last_seen === c.last_seen && p.id > c.id)).toBe(true);
    }
    await s.close();
  });

  it('picks the P1 and P2 alerts among given ids in one query, with what a notice shows', async () => {
    const s = await testServices(tempDir());
    const ids = s.alerts.insertMany((['P3', 'P1', 'P4', 'P2', 'P1'] as const).map((priority, i) => sampleAlert({ priority, title: `t${i}`, src_ip: `10.0.0.${i}` })));
    const urgent = s.alerts.urgentAmong([...ids].reverse().concat([999_999]));
    expect(urgent.map((a) => [a.id, a.priority, a.title, a.src_ip])).toEqual([
      [ids[1], 'P1', 't1', '10.0.0.1'],
      [ids[3], 'P2', 't3', '10.0.0.3'],
      [ids[4], 'P1', 't4', '10.0.0.4'],
    ]);
    expect(urgent.every((a) => a.severity === s.alerts.get(a.id)!.severity)).toBe(true);
    expect(s.alerts.urgentAmong([])).toEqual([]);
    await s.close();
  });

  it('sorts by any sort field in both directions with keyset pages that neither skip nor repeat', async () => {
    const s = await testServices(tempDir());
    s.alerts.insertMany(Array.from({ length: 120 }, (_, i) => sampleAlert({ risk_score: (i * 37) % 101, count: 1 + (i % 7), severity: (['low', 'medium', 'high', 'critical'] as const)[i % 4] })));
    for (const field of ['risk_score', 'count', 'severity', 'priority', 'first_seen'] as const) {
      for (const dir of ['asc', 'desc'] as const) {
        const ids: number[] = [];
        let after;
        for (;;) {
          const page = s.alerts.list({}, 25, after, { field, dir });
          ids.push(...page.items.map((a) => a.id));
          if (!page.next) break;
          after = page.next;
        }
        expect(new Set(ids).size, `${field} ${dir}`).toBe(120);
      }
    }
    const byRisk = s.alerts.list({}, 500, undefined, { field: 'risk_score', dir: 'desc' }).items.map((a) => a.risk_score);
    expect(byRisk).toEqual([...byRisk].sort((a, b) => b - a));
    await s.close();
  });

  it('filters by severity, minimum severity, status, time range and text', async () => {
    const s = await testServices(tempDir());
    s.alerts.insertMany([
      sampleAlert({ severity: 'critical', title: 'Ransomware note dropped', last_seen: '2026-11-21T10:00:00.000Z' }),
      sampleAlert({ severity: 'low', title: 'ET INFO curl user agent', src_ip: '10.1.1.1', last_seen: '2026-11-21T11:00:00.000Z' }),
      sampleAlert({ severity: 'medium', title: '100%_literal match', last_seen: '2026-11-21T12:00:00.000Z' }),
    ]);
    const titles = (f: Parameters<typeof s.alerts.list>[0]) => s.alerts.list(f, 100).items.map((a) => a.title);
    expect(titles({ severity: ['low'] })).toEqual(['ET INFO curl user agent']);
    expect(titles({ min_severity: 'medium' })).toEqual(['100%_literal match', 'Ransomware note dropped']);
    expect(titles({ from: '2026-11-21T10:30:00Z', to: '2026-11-21T12:00:00Z' })).toEqual(['ET INFO curl user agent']);
    expect(titles({ from: '2026-11-21T11:30:00+01:00' })).toEqual(['100%_literal match', 'ET INFO curl user agent']); // offsets are converted to UTC
    expect(titles({ text: 'ransomware' })).toEqual(['Ransomware note dropped']);
    expect(titles({ text: '10.1.1' })).toEqual(['ET INFO curl user agent']);
    expect(titles({ text: 'literal' })).toEqual(['100%_literal match']);
    expect(titles({ text: '"OR* NEAR(' })).toEqual([]); // FTS syntax in the input is inert
    const id = s.alerts.list({ severity: ['critical'] }, 1).items[0]!.id;
    s.alerts.setStatus(id, 'RESOLVED', 'ana', 'contained');
    expect(titles({ status: ['NEW'] })).toHaveLength(2);
    expect(titles({ status: ['RESOLVED'] })).toEqual(['Ransomware note dropped']);
    await s.close();
  });

  it('a search reads the index terms afresh once this connection or another one wrote alerts', async () => {
    const s = await testServices(tempDir());
    s.alerts.insertMany([sampleAlert({ title: 'sshd: authentication failed' })]);
    const titles = () => s.alerts.list({ text: 'ssh' }, 100).items.map((a) => a.title);
    expect(titles()).toEqual(['sshd: authentication failed']);
    // a new term with the same prefix, written by this connection
    s.alerts.insertMany([sampleAlert({ title: 'sshguard blocked a host' })]);
    expect(titles()).toEqual(['sshguard blocked a host', 'sshd: authentication failed']);
    expect(s.alerts.countMatching({ text: 'ssh' })).toBe(2);
    // and by another one (the CLI importing while the app runs)
    const other = new Database(s.db.name);
    new AlertsRepo(other, new AuditRepo(other)).insertMany([sampleAlert({ title: 'sshuttle tunnel opened' })]);
    other.close();
    expect(titles()).toEqual(['sshuttle tunnel opened', 'sshguard blocked a host', 'sshd: authentication failed']);
    expect(s.alerts.countMatching({ text: 'ssh' })).toBe(3);
    await s.close();
  });

  it('carries agent, user, host and sensor; the host filter matches host, agent name or id, sensor and either address', async () => {
    const s = await testServices(tempDir());
    const [web, fim, net, sensed] = s.alerts.insertMany([
      sampleAlert({ source: 'wazuh', agent: { id: '001', name: 'web-01' }, user: 'admin', src_ip: '203.0.113.45', dst_ip: null }),
      sampleAlert({ source: 'wazuh', agent: { id: '003', name: 'db-01' }, src_ip: null, dst_ip: null }),
      sampleAlert({ src_ip: '10.0.0.9', dst_ip: '10.0.0.5' }),
      sampleAlert({ src_ip: '203.0.113.7', dst_ip: '10.0.0.6', sensor: 'sensor-01' }),
    ]);
    expect(s.alerts.get(web!)).toMatchObject({ agent: { id: '001', name: 'web-01' }, user: 'admin', host: 'web-01', sensor: null });
    expect(s.alerts.get(fim!)).toMatchObject({ agent: { id: '003', name: 'db-01' }, user: null, host: 'db-01' });
    expect(s.alerts.get(net!)).toMatchObject({ agent: null, host: '10.0.0.5', sensor: null });
    expect(s.alerts.get(sensed!)).toMatchObject({ agent: null, host: '10.0.0.6', sensor: 'sensor-01' });
    const ids = (host: string) => s.alerts.list({ host }, 50).items.map((a) => a.id).sort((a, b) => a - b);
    expect(ids('web-01')).toEqual([web]);
    expect(ids('003')).toEqual([fim]);
    expect(ids('sensor-01')).toEqual([sensed]);
    expect(ids('10.0.0.5')).toEqual([net]);
    expect(ids('10.0.0.9')).toEqual([net]); // the source address of a network alert
    expect(ids('203.0.113.45')).toEqual([web]);
    expect(ids('web')).toEqual([]); // exact, not a prefix
    // every term of the OR is answered from an index
    const w = alertWhere({ host: '10.0.0.5' });
    const plan = s.db.prepare(`EXPLAIN QUERY PLAN SELECT id FROM alerts WHERE ${w.sql}`).all(...w.params) as { detail: string }[];
    const text = plan.map((p) => p.detail).join('\n');
    expect(text).toContain('MULTI-INDEX OR');
    expect(text).not.toMatch(/\bSCAN alerts\b/);
    await s.close();
  });

  it('setStatus writes the status and an audit entry in one step; history reads it back', async () => {
    let t = Date.parse('2026-11-21T09:00:00.000Z');
    const s = await testServices(tempDir(), () => new Date((t += 1000)));
    const [id] = s.alerts.insertMany([sampleAlert()]);
    expect(s.alerts.setStatus(id!, 'ACKNOWLEDGED', 'ana', null)!.from).toBe('NEW');
    s.alerts.setStatus(id!, 'RESOLVED', 'ben', 'blocked at the firewall');
    expect(s.alerts.get(id!)!.status).toBe('RESOLVED');
    const history = s.alerts.history(id!);
    expect(history.map((h) => [h.actor, h.from, h.to, h.note])).toEqual([
      ['ana', 'NEW', 'ACKNOWLEDGED', null],
      ['ben', 'ACKNOWLEDGED', 'RESOLVED', 'blocked at the firewall'],
    ]);
    expect(history[0]!.ts < history[1]!.ts).toBe(true);
    expect(s.alerts.setStatus(999999, 'RESOLVED', 'ana', 'x')).toBeNull();
    await s.close();
  });
});

describe('AlertsRepo.list planner', () => {
  const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

  /** 400 alerts with few distinct values per sort key, so keyset pages cross long runs of ties. */
  async function seeded() {
    const s = await testServices(tempDir());
    const r = mulberry32(7);
    const base = Date.parse('2026-11-21T00:00:00.000Z');
    const at = (m: number) => new Date(base + m * 60_000).toISOString();
    s.alerts.insertMany(
      Array.from({ length: 400 }, () => {
        const source = pick(r, ['suricata', 'wazuh'] as const);
        const first = Math.floor(r() * 12);
        const agent = source === 'wazuh' ? pick(r, [{ id: '001', name: 'web-01' }, { id: '002', name: 'db-01' }]) : undefined;
        return sampleAlert({
          source,
          severity: pick(r, ['info', 'low', 'medium', 'high', 'critical'] as const),
          priority: pick(r, PRIORITIES),
          status: pick(r, ['NEW', 'NEW', 'ACKNOWLEDGED', 'RESOLVED'] as const),
          title: pick(r, ['ET SCAN Potential SSH Scan', 'sshd: authentication failed.', 'ET POLICY curl User-Agent Outbound', 'File deleted.']),
          src_ip: pick(r, ['10.0.0.5', '10.0.1.9', '203.0.113.7', '198.51.100.2']),
          dst_ip: pick(r, ['192.168.1.10', '10.0.0.5', null]),
          first_seen: at(first),
          last_seen: at(first + Math.floor(r() * 3)),
          count: 1 + Math.floor(r() * 4),
          risk_score: 10 * Math.floor(r() * 6),
          technique_ids: pick(r, [[], ['T1110'], ['T1110.001'], ['T1046', 'T1110.003'], ['T1190']]),
          assignee: pick(r, [null, null, 'ana', 'ben']),
          rule_id: pick(r, [null, '1:2001219', '5712']),
          ...(agent ? { agent } : { sensor: pick(r, ['sensor-01', null]) }),
        });
      }),
    );
    s.db.prepare("UPDATE alerts SET src_country = CASE id % 3 WHEN 0 THEN 'DE' WHEN 1 THEN 'US' END").run();
    return s;
  }

  const FILTERS: AlertFilter[] = [
    {},
    { severity: ['high'] },
    { severity: ['low', 'critical'] },
    { min_severity: 'medium' },
    { status: ['NEW'] },
    { priority: ['P1'] },
    { priority: ['P2', 'P4'] },
    { source: ['wazuh'] },
    { from: '2026-11-21T00:04:00.000Z', to: '2026-11-21T00:09:00.000Z' },
    { text: 'ssh' },
    { text: 'SSH authentication' },
    { text: 'curl outbound' },
    // short, punctuated or unknown words stay prefix queries
    { text: 'et' },
    { text: 'user-agent' },
    { text: 'ssh nosuchword' },
    { src_ip: '10.0.0.0/8' },
    { src_ip: '203.0.113.7' },
    { dst_ip: '192.168.0.0/16' },
    { technique: 'T1110' },
    { technique: 't1110.001' },
    { assignee: 'ana' },
    { country: 'de' },
    { host: 'web-01' },
    { host: '002' },
    { host: 'sensor-01' },
    { host: '10.0.0.5' },
    { rule_id: '5712' },
    { rule_id: '1:2001219', status: ['NEW'], severity: ['high'] },
    { text: 'ssh', severity: ['high', 'critical'], status: ['NEW'] },
    { source: ['wazuh'], priority: ['P1'], technique: 'T1110', assignee: 'ana' },
    { severity: ['medium'], priority: ['P3'], from: '2026-11-21T00:02:00.000Z', src_ip: '10.0.0.0/8' },
    { status: ['NEW'], country: 'US', host: 'db-01' },
    { severity: ['info'], technique: 'T1190', text: 'file' },
  ];

  /** The expected order, computed in plain code from every row (the text match from FTS itself). */
  function naive(s: Awaited<ReturnType<typeof seeded>>, f: AlertFilter, sort: AlertSort): number[] {
    type Row = Alert & { src_country: string | null; agent_id: string | null };
    const rows = s.db.prepare('SELECT * FROM alerts').all() as (Omit<Row, 'technique_ids'> & { technique_ids: string })[];
    const textIds = f.text ? new Set((s.db.prepare('SELECT rowid AS id FROM alerts_fts WHERE alerts_fts MATCH ?').all(ftsQuery(f.text)) as { id: number }[]).map((x) => x.id)) : null;
    const inRange = (ip: string | null, spec: string | undefined) => {
      if (spec === undefined) return true;
      const range = ipKeyRange(spec)!;
      const k = ipKey(ip);
      return k !== null && k >= range.lo && k <= range.hi;
    };
    const key = (a: (typeof rows)[number]): string | number =>
      sort.field === 'severity' ? severityRank(a.severity) : sort.field === 'priority' ? 4 - PRIORITIES.indexOf(a.priority) : a[sort.field];
    const t = f.technique?.toUpperCase();
    return rows
      .filter((a) => !f.severity || f.severity.includes(a.severity))
      .filter((a) => !f.min_severity || severityRank(a.severity) >= severityRank(f.min_severity))
      .filter((a) => !f.status || f.status.includes(a.status))
      .filter((a) => !f.priority || f.priority.includes(a.priority))
      .filter((a) => !f.source || f.source.includes(a.source))
      .filter((a) => (!f.from || a.last_seen >= f.from) && (!f.to || a.last_seen < f.to))
      .filter((a) => !textIds || textIds.has(a.id))
      .filter((a) => inRange(a.src_ip, f.src_ip) && inRange(a.dst_ip, f.dst_ip))
      .filter((a) => !t || (JSON.parse(a.technique_ids) as string[]).some((x) => x === t || (!t.includes('.') && x.startsWith(`${t}.`))))
      .filter((a) => !f.assignee || a.assignee === f.assignee)
      .filter((a) => !f.rule_id || a.rule_id === f.rule_id)
      .filter((a) => !f.country || a.src_country === f.country.toUpperCase())
      .filter((a) => !f.host || [a.host, a.agent_id, a.sensor].includes(f.host) || (ipKey(f.host) !== null && [a.src_ip, a.dst_ip].includes(f.host)))
      .sort((a, b) => {
        const [ka, kb] = [key(a), key(b)];
        const c = ka < kb ? -1 : ka > kb ? 1 : a.id - b.id;
        return sort.dir === 'asc' ? c : -c;
      })
      .map((a) => a.id);
  }

  /** Every page of a listing, 11 at a time, through the keyset cursor; and the plans used. */
  function paged(repo: AlertsRepo, f: AlertFilter, sort: AlertSort) {
    const ids: number[] = [];
    const plans: ListPlan[] = [];
    let after;
    for (let n = 0; n < 100; n++) {
      const { page, plan } = repo.listPlanned(f, 11, after, sort);
      ids.push(...page.items.map((a) => a.id));
      plans.push(plan);
      if (!page.next) break;
      after = page.next;
    }
    return { ids, plans };
  }

  // every path of the planner: a narrow condition drives; a walk of the sort index (no
  // condition narrow enough); a walk whose budget runs out, then drives or walks on. A search
  // tested in a walk is read into a set first, 7 ids of the id range per read (many reads)
  const LIMITS: Record<string, PlanLimits> = {
    default: PLAN_LIMITS,
    walk: { driveMax: 0, walkBudget: 1_000_000, fallbackDriveMax: 0, probeCost: PLAN_LIMITS.probeCost, hitsChunk: 7 },
    'walk, then drive': { driveMax: 0, walkBudget: 5, fallbackDriveMax: 1_000_000, probeCost: PLAN_LIMITS.probeCost, hitsChunk: 7 },
    'walk, then walk on': { driveMax: 0, walkBudget: 5, fallbackDriveMax: 0, probeCost: PLAN_LIMITS.probeCost, hitsChunk: 7 },
    // a broad search probed row by row (free probes: always when the search allows it); with a
    // budget of 5 the probe walk is spent at once and the page goes on the other ways
    probe: { driveMax: 0, walkBudget: 1_000_000, fallbackDriveMax: 0, probeCost: 0, hitsChunk: PLAN_LIMITS.hitsChunk },
    'probe, spent, then drive': { driveMax: 0, walkBudget: 5, fallbackDriveMax: 1_000_000, probeCost: 0, hitsChunk: PLAN_LIMITS.hitsChunk },
    'probe, spent, then walk on': { driveMax: 0, walkBudget: 5, fallbackDriveMax: 0, probeCost: 0, hitsChunk: PLAN_LIMITS.hitsChunk },
  };

  it('returns exactly what a naive query returns, for every filter with every sort, page by page across ties', async () => {
    const s = await seeded();
    const kinds = new Set<string>();
    const repos = Object.entries(LIMITS).map(([name, limits]) => [name, new AlertsRepo(s.db, s.audit, () => new Date(), limits)] as const);
    for (const f of FILTERS) {
      for (const field of SORT_FIELDS) {
        for (const dir of ['desc', 'asc'] as const) {
          const sort = { field, dir };
          const want = naive(s, f, sort);
          // the count agrees (a search alone is counted in the full-text index)
          if (field === 'last_seen' && dir === 'desc') expect(s.alerts.countMatching(f), JSON.stringify(f)).toBe(want.length);
          // a single page of everything agrees too
          expect(s.alerts.list(f, 500, undefined, sort).items.map((a) => a.id)).toEqual(want);
          for (const [name, repo] of repos) {
            const got = paged(repo, f, sort);
            expect(got.ids, `${name}: ${JSON.stringify(f)} by ${field} ${dir}`).toEqual(want);
            for (const p of got.plans) kinds.add(p.kind === 'walk' ? `${p.probe ? `probe${p.probe === 'spent' ? ' spent, ' : ', '}` : ''}${p.hits ? 'hits, ' : ''}walk${p.fallback ? `, then ${p.fallback}` : ''}` : p.kind);
          }
        }
      }
    }
    expect([...kinds].sort()).toEqual([
      'drive',
      'hits, walk',
      'hits, walk, then drive',
      'hits, walk, then walk',
      'merge',
      'probe spent, hits, walk',
      'probe spent, hits, walk, then drive',
      'probe spent, hits, walk, then walk',
      'probe, walk',
      'walk',
      'walk, then drive',
      'walk, then walk',
    ]);
    await s.close();
    // every filter x sort x direction x planner limits, page by page: ~25 s on two loaded cores
  }, 120_000);

  it('a page continues from a cursor of the other direction (the list reading upwards)', async () => {
    const s = await seeded();
    for (const field of SORT_FIELDS) {
      const down = naive(s, { status: ['NEW'] }, { field, dir: 'desc' });
      const page = s.alerts.list({ status: ['NEW'] }, 30, undefined, { field, dir: 'desc' });
      const last = page.items[page.items.length - 1]!;
      const up = s.alerts.list({ status: ['NEW'] }, 10, { k: page.next!.k, id: last.id }, { field, dir: 'asc' });
      // the 10 rows above the last one shown, nearest first
      expect(up.items.map((a) => a.id)).toEqual(down.slice(19, 29).reverse());
    }
    await s.close();
  });
});
