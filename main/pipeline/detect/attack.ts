import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** One ATT&CK tactic (a kill-chain phase), e.g. TA0006 credential-access "Credential Access". */
export interface AttackTactic {
  id: string;
  shortname: string;
  name: string;
}

/** One ATT&CK technique or sub-technique with its tactics resolved, in kill-chain order. */
export interface AttackTechnique {
  id: string;
  name: string;
  tactics: AttackTactic[];
  url: string;
  /** The first sentence of MITRE's description. */
  summary: string;
  platforms: string[];
}

/** Where the bundled table lives under the app's resources folder. */
export function attackTablePath(resourcesDir: string): string {
  return path.join(resourcesDir, 'attack', 'attack-enterprise.json');
}

const TECHNIQUE_ID = /^T\d{4}(\.\d{3})?$/;
const TACTIC_ID = /^TA\d{4}$/;

const AttackFile = z.object({
  attribution: z.string().optional(),
  license: z.string().optional(),
  source: z.string().optional(),
  tactics: z
    .array(
      z.object({
        id: z.string().regex(TACTIC_ID, 'tactic id must look like TA0001'),
        shortname: z.string().min(1),
        name: z.string().min(1),
      }),
    )
    .min(1),
  techniques: z
    .array(
      z.object({
        id: z.string().regex(TECHNIQUE_ID, 'technique id must look like T1234 or T1234.001'),
        name: z.string().min(1),
        tactics: z.array(z.string().regex(TACTIC_ID)).min(1),
        platforms: z.array(z.string()).default([]),
        url: z.string(),
        summary: z.string(),
      }),
    )
    .min(1),
});
type AttackFile = z.infer<typeof AttackFile>;

/** Normalizes "t1110.001 " to "T1110.001"; returns null for anything that is not an id. */
export function normalizeTechniqueId(id: string): string | null {
  const s = id.trim().toUpperCase();
  return TECHNIQUE_ID.test(s) ? s : null;
}

/**
 * The bundled MITRE ATT&CK Enterprise table (tactics and current techniques), read once by the
 * caller (no module-level state) and then looked up in memory.
 */
export class AttackTable {
  readonly source: string | null;
  readonly attribution: string | null;
  private readonly tacticList: readonly AttackTactic[];
  private readonly byId: ReadonlyMap<string, AttackTechnique>;

  private constructor(data: AttackFile) {
    this.source = data.source ?? null;
    this.attribution = data.attribution ?? null;
    this.tacticList = data.tactics.map((t) => Object.freeze({ id: t.id, shortname: t.shortname, name: t.name }));
    const tacticIndex = new Map(this.tacticList.map((t, i) => [t.id, i] as const));
    const byId = new Map<string, AttackTechnique>();
    for (const t of data.techniques) {
      const tactics = [...new Set(t.tactics)]
        .sort((a, b) => (tacticIndex.get(a) ?? 0) - (tacticIndex.get(b) ?? 0))
        .map((id) => this.tacticList[tacticIndex.get(id) ?? -1])
        .filter((x): x is AttackTactic => x !== undefined);
      byId.set(
        t.id,
        Object.freeze({ id: t.id, name: t.name, tactics, url: t.url, summary: t.summary, platforms: [...t.platforms] }),
      );
    }
    this.byId = byId;
  }

  /** Reads and validates the JSON file; throws an Error naming the file when it is missing or malformed. */
  static load(file: string): AttackTable {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw new Error(`ATT&CK table ${file}: cannot read (${(err as Error).message})`, { cause: err });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new Error(`ATT&CK table ${file}: not valid JSON (${(err as Error).message})`, { cause: err });
    }
    return AttackTable.fromData(json, file);
  }

  /** Validates already-parsed data; `label` names the origin in error messages. */
  static fromData(json: unknown, label = 'data'): AttackTable {
    const parsed = AttackFile.safeParse(json);
    if (!parsed.success) {
      const first = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
      throw new Error(`ATT&CK table ${label}: unexpected shape (${first.join('; ')})`);
    }
    const data = parsed.data;
    const tacticIds = new Set<string>();
    for (const t of data.tactics) {
      if (tacticIds.has(t.id)) throw new Error(`ATT&CK table ${label}: duplicate tactic ${t.id}`);
      tacticIds.add(t.id);
    }
    const seen = new Set<string>();
    for (const t of data.techniques) {
      if (seen.has(t.id)) throw new Error(`ATT&CK table ${label}: duplicate technique ${t.id}`);
      seen.add(t.id);
      const bad = t.tactics.find((id) => !tacticIds.has(id));
      if (bad) throw new Error(`ATT&CK table ${label}: technique ${t.id} names unknown tactic ${bad}`);
    }
    return new AttackTable(data);
  }

  /** A technique or sub-technique by id (case and whitespace tolerant), or null. */
  technique(id: string): AttackTechnique | null {
    const norm = normalizeTechniqueId(id);
    return norm === null ? null : (this.byId.get(norm) ?? null);
  }

  isKnown(id: string): boolean {
    return this.technique(id) !== null;
  }

  /** The tactics in kill-chain order (Reconnaissance .. Impact). */
  tactics(): readonly AttackTactic[] {
    return this.tacticList;
  }

  tactic(idOrShortname: string): AttackTactic | null {
    const s = idOrShortname.trim();
    return this.tacticList.find((t) => t.id === s.toUpperCase() || t.shortname === s.toLowerCase()) ?? null;
  }

  /** Every technique and sub-technique, sorted by id. */
  techniques(): AttackTechnique[] {
    return [...this.byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  get size(): number {
    return this.byId.size;
  }
}
