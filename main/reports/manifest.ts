import fs from 'node:fs';
import path from 'node:path';
import { Manifest, ReportFacts, type ManifestFile, type VerifyProblem, type VerifyResult } from '../contract/index.js';
import { hashFile, MANIFEST_NAME, PARTIAL_PREFIX } from './output.js';

/** The facts file: the report's identity, hashed like every other file. */
export const FACTS_NAME = 'report.json';

export function buildManifest(facts: ReportFacts, files: ManifestFile[]): Manifest {
  return { manifest_version: 1, ...facts, files };
}

function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

function short(v: unknown): string {
  const s = stable(v);
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

/** Files under dir, as relative paths with '/' (directories that are leftovers reported as one entry). */
function walk(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) {
      if (!rel && e.name.startsWith(PARTIAL_PREFIX)) out.push(`${p}/`);
      else out.push(...walk(dir, p));
    } else out.push(p);
  }
  return out;
}

function safeRel(p: string): boolean {
  return !path.isAbsolute(p) && !p.split(/[\\/]/).some((seg) => seg === '..' || seg === '') && p !== MANIFEST_NAME;
}

/**
 * Checks a report directory against its manifest.json: every listed file present with the same
 * size and SHA-256, no file that is not listed, and the manifest's own fields equal to those of
 * report.json (whose hash the manifest vouches for), so a field edited in the manifest alone
 * shows. What it cannot catch: someone who rewrites report.json, its hash in the manifest and the
 * field together; signing the manifest would.
 */
export async function verifyReport(dirIn: string): Promise<VerifyResult> {
  const dir = path.resolve(dirIn);
  const problems: VerifyProblem[] = [];
  const result = (facts: ReportFacts | null, checked: number): VerifyResult => ({ ok: problems.length === 0, dir, checked, problems, facts });
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    problems.push({ kind: 'missing', path: '.', detail: `${dir} is not a directory` });
    return result(null, 0);
  }
  const manifestPath = path.join(dir, MANIFEST_NAME);
  if (!fs.existsSync(manifestPath)) {
    problems.push({ kind: 'missing', path: MANIFEST_NAME, detail: 'no manifest: this is not a complete report (it may have been interrupted while being written)' });
    return result(null, 0);
  }
  let manifest: Manifest;
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
    const parsed = Manifest.safeParse(raw);
    if (!parsed.success) {
      problems.push({ kind: 'unreadable', path: MANIFEST_NAME, detail: parsed.error.issues.map((i) => `${i.path.join('.') || '(manifest)'}: ${i.message}`).join('; ') });
      return result(null, 0);
    }
    manifest = parsed.data;
  } catch (err) {
    problems.push({ kind: 'unreadable', path: MANIFEST_NAME, detail: `not JSON: ${err instanceof Error ? err.message : String(err)}` });
    return result(null, 0);
  }

  const listed = new Map<string, ManifestFile>();
  for (const f of manifest.files) {
    if (!safeRel(f.path)) {
      problems.push({ kind: 'manifest', path: f.path, detail: 'the manifest lists a path outside the report directory' });
      continue;
    }
    if (listed.has(f.path)) problems.push({ kind: 'manifest', path: f.path, detail: 'listed twice in the manifest' });
    listed.set(f.path, f);
  }

  let checked = 0;
  const intact = new Set<string>();
  for (const f of listed.values()) {
    const abs = path.join(dir, f.path);
    let st: fs.Stats;
    try {
      st = fs.statSync(abs);
    } catch {
      problems.push({ kind: 'missing', path: f.path, detail: 'listed in the manifest but not in the directory' });
      continue;
    }
    if (!st.isFile()) {
      problems.push({ kind: 'modified', path: f.path, detail: 'is no longer a regular file' });
      continue;
    }
    const got = await hashFile(abs);
    checked++;
    if (got.sha256 !== f.sha256 || got.size !== f.size) {
      const parts = [];
      if (got.size !== f.size) parts.push(`size ${f.size} bytes in the manifest, ${got.size} now`);
      parts.push(`SHA-256 ${f.sha256} in the manifest, ${got.sha256} now`);
      problems.push({ kind: 'modified', path: f.path, detail: parts.join('; ') });
    } else intact.add(f.path);
  }

  for (const p of walk(dir)) {
    if (p === MANIFEST_NAME || listed.has(p)) continue;
    problems.push({
      kind: 'extra',
      path: p,
      detail: p.endsWith('/') ? 'leftover of an interrupted report run (not part of the report)' : 'not listed in the manifest',
    });
  }

  // the manifest's fields against report.json, which the manifest's hash vouches for
  let facts: ReportFacts | null = null;
  if (!listed.has(FACTS_NAME)) {
    problems.push({ kind: 'manifest', path: FACTS_NAME, detail: `${FACTS_NAME} is not listed in the manifest: the manifest's fields cannot be checked` });
  } else if (intact.has(FACTS_NAME)) {
    try {
      const parsed = ReportFacts.safeParse(JSON.parse(fs.readFileSync(path.join(dir, FACTS_NAME), 'utf8')));
      if (!parsed.success) problems.push({ kind: 'unreadable', path: FACTS_NAME, detail: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
      else facts = parsed.data;
    } catch (err) {
      problems.push({ kind: 'unreadable', path: FACTS_NAME, detail: `not JSON: ${err instanceof Error ? err.message : String(err)}` });
    }
  }
  if (facts) {
    const keys = new Set([...Object.keys(facts), ...Object.keys(raw)].filter((k) => k !== 'files' && k !== 'manifest_version'));
    for (const k of [...keys].sort()) {
      const a = raw[k];
      const b = (facts as Record<string, unknown>)[k];
      if (stable(a) !== stable(b)) {
        problems.push({ kind: 'manifest', path: MANIFEST_NAME, detail: `field "${k}" was altered: the manifest says ${short(a)}, ${FACTS_NAME} says ${short(b)}` });
      }
    }
  }
  return result(facts, checked);
}
