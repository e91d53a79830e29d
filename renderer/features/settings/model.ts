/**
 * What the Settings screen edits, and the checks it runs before saving. The renderer imports the
 * contract as types only (no zod in the bundle), so the constraints of main/contract/settings.ts
 * are repeated here; the backend checks again and its BAD_REQUEST issues land on the same fields.
 */
import type { Settings, SettingsPatch } from '../../../main/contract/settings.js';

export type SectionId = 'analyst' | 'detection' | 'geo' | 'retention';

type KeysWith<V> = { [K in keyof Settings]: Settings[K] extends V ? K : never }[keyof Settings];

export type IntKey = KeysWith<number>;
export type BoolKey = KeysWith<boolean>;
export type TextKey = 'analystName' | 'geoCityDb' | 'geoCountryDb' | 'geoAsnDb';
export type ChoiceKey = 'theme' | 'timeZone' | 'minAlertSeverity';
/** Every setting the screen edits (alertsColumns lives in the Alerts table's Columns menu). */
export type FormKey = IntKey | BoolKey | TextKey | ChoiceKey;

interface IntSpec {
  kind: 'int';
  min: number;
  max: number;
  /** Shown inside the input, after the number. */
  unit: string;
}
interface TextSpec {
  kind: 'text';
  /** Required (after trimming). */
  required: boolean;
  max: number;
}
interface BoolSpec {
  kind: 'bool';
}
interface ChoiceSpec {
  kind: 'choice';
}
type Spec = IntSpec | TextSpec | BoolSpec | ChoiceSpec;

/** Mirrors the zod constraints of main/contract/settings.ts. */
export const SPECS = {
  analystName: { kind: 'text', required: true, max: 64 },
  requireNoteOnClose: { kind: 'bool' },
  theme: { kind: 'choice' },
  timeZone: { kind: 'choice' },
  doNotDisturb: { kind: 'bool' },
  alertsPageSize: { kind: 'int', min: 25, max: 500, unit: 'rows' },
  minAlertSeverity: { kind: 'choice' },
  groupWindowMinutes: { kind: 'int', min: 1, max: 1440, unit: 'minutes' },
  bruteForceFailures: { kind: 'int', min: 2, max: 10_000, unit: 'failures' },
  portScanPorts: { kind: 'int', min: 2, max: 65_535, unit: 'ports' },
  floodEventsPerSecond: { kind: 'int', min: 2, max: 1_000_000, unit: 'events/s' },
  sprayingUsers: { kind: 'int', min: 2, max: 10_000, unit: 'users' },
  correlationWindowSeconds: { kind: 'int', min: 5, max: 3600, unit: 'seconds' },
  geoCityDb: { kind: 'text', required: false, max: 4096 },
  geoCountryDb: { kind: 'text', required: false, max: 4096 },
  geoAsnDb: { kind: 'text', required: false, max: 4096 },
  eventRetentionDays: { kind: 'int', min: 1, max: 3650, unit: 'days' },
  eventRetentionMaxRows: { kind: 'int', min: 10_000, max: 100_000_000, unit: 'events' },
  recordRetentionDays: { kind: 'int', min: 1, max: 3650, unit: 'days' },
  recordRetentionMaxGb: { kind: 'int', min: 1, max: 100_000, unit: 'GB' },
} as const satisfies { [K in FormKey]: Spec };

/** Human names, also used to say which fields changed elsewhere. */
export const LABELS: Record<FormKey, string> = {
  analystName: 'Analyst name',
  requireNoteOnClose: 'Require a note to close',
  theme: 'Theme',
  timeZone: 'Time zone',
  doNotDisturb: 'Do not disturb',
  alertsPageSize: 'Alerts per page',
  minAlertSeverity: 'Minimum severity',
  groupWindowMinutes: 'Grouping window',
  bruteForceFailures: 'Brute force',
  portScanPorts: 'Port scan',
  floodEventsPerSecond: 'Flood',
  sprayingUsers: 'Password spraying',
  correlationWindowSeconds: 'Correlation window',
  geoCityDb: 'City database',
  geoCountryDb: 'Country database',
  geoAsnDb: 'ASN database',
  eventRetentionDays: 'Keep raw events for',
  eventRetentionMaxRows: 'Keep at most',
  recordRetentionDays: 'Keep sensor records for',
  recordRetentionMaxGb: 'Database size limit',
};

export const SECTIONS: Record<SectionId, readonly FormKey[]> = {
  analyst: ['analystName', 'requireNoteOnClose', 'theme', 'timeZone', 'doNotDisturb', 'alertsPageSize'],
  detection: ['minAlertSeverity', 'groupWindowMinutes', 'bruteForceFailures', 'portScanPorts', 'floodEventsPerSecond', 'sprayingUsers', 'correlationWindowSeconds'],
  geo: ['geoCityDb', 'geoCountryDb', 'geoAsnDb'],
  retention: ['eventRetentionDays', 'eventRetentionMaxRows', 'recordRetentionDays', 'recordRetentionMaxGb'],
};

export const SECTION_ORDER: readonly SectionId[] = ['analyst', 'detection', 'geo', 'retention'];

/** What a form control holds: text for numbers and paths, a boolean for switches. */
export type DraftValue = string | boolean;
type Saved = Settings[FormKey];

export type Parsed = { ok: true; value: Saved } | { ok: false; error: string };

const nf = new Intl.NumberFormat('en-US');
export const formatInt = (n: number): string => nf.format(n);

/** The draft text or switch state for a saved value. */
export function toDraft(value: Saved): DraftValue {
  return typeof value === 'number' ? String(value) : value;
}

/** Checks a draft value against the contract's constraints; the value to send when it passes. */
export function parseDraft(key: FormKey, raw: DraftValue): Parsed {
  const spec: Spec = SPECS[key];
  switch (spec.kind) {
    case 'bool':
      return typeof raw === 'boolean' ? { ok: true, value: raw } : { ok: false, error: 'Expected on or off' };
    case 'choice':
      return typeof raw === 'string' ? { ok: true, value: raw as Saved } : { ok: false, error: 'Pick a value' };
    case 'text': {
      const text = String(raw).trim();
      if (spec.required && text === '') return { ok: false, error: 'Required' };
      if (text.length > spec.max) return { ok: false, error: `At most ${formatInt(spec.max)} characters` };
      return { ok: true, value: text };
    }
    case 'int': {
      const range = `${formatInt(spec.min)} to ${formatInt(spec.max)}`;
      // thousands separators are fine ("5,000,000", "5 000 000", "5_000_000")
      const text = String(raw).trim().replace(/[,_\s]/g, '');
      if (text === '') return { ok: false, error: `Required: a whole number from ${range}` };
      if (!/^[-+]?\d+$/.test(text)) return { ok: false, error: `Enter a whole number from ${range}` };
      const n = Number(text);
      if (n < spec.min) return { ok: false, error: `Must be at least ${formatInt(spec.min)}` };
      if (n > spec.max) return { ok: false, error: `Must be at most ${formatInt(spec.max)}` };
      return { ok: true, value: n };
    }
  }
}

/** Whether a draft value means the same as a saved one. */
export function sameValue(key: FormKey, raw: DraftValue, saved: unknown): boolean {
  const p = parseDraft(key, raw);
  return p.ok && p.value === saved;
}

/** An edit: what the control holds, and the saved value it started from. */
export interface Edit {
  value: DraftValue;
  from: unknown;
}

export interface FieldState {
  /** What the control shows. */
  value: DraftValue;
  /** The control holds something other than the saved value. */
  dirty: boolean;
  /** The saved value changed (another window, the CLI) after this field was edited. */
  conflict: boolean;
}

/**
 * One field from the saved value and the edit, if any. Unedited fields follow the saved value
 * live; edits are never overwritten.
 */
export function fieldState(key: FormKey, saved: Settings, edit: Edit | undefined): FieldState {
  const current = saved[key];
  if (!edit) return { value: toDraft(current), dirty: false, conflict: false };
  if (sameValue(key, edit.value, current)) return { value: edit.value, dirty: false, conflict: false };
  // edited back to what it was, and it changed elsewhere since: follow the saved value
  if (edit.from !== current && sameValue(key, edit.value, edit.from)) return { value: toDraft(current), dirty: false, conflict: false };
  return { value: edit.value, dirty: true, conflict: edit.from !== current };
}

export interface SectionState {
  dirty: FormKey[];
  conflicts: FormKey[];
}

export function sectionState(section: SectionId, saved: Settings, edits: Partial<Record<FormKey, Edit>>): SectionState {
  const dirty: FormKey[] = [];
  const conflicts: FormKey[] = [];
  for (const key of SECTIONS[section]) {
    const f = fieldState(key, saved, edits[key]);
    if (f.dirty) dirty.push(key);
    if (f.conflict) conflicts.push(key);
  }
  return { dirty, conflicts };
}

/** The patch for the dirty fields, or the field errors that stop it. */
export function buildPatch(
  keys: readonly FormKey[],
  saved: Settings,
  edits: Partial<Record<FormKey, Edit>>,
): { patch: SettingsPatch; sent: Partial<Record<FormKey, DraftValue>>; errors: Partial<Record<FormKey, string>> } {
  const patch: Record<string, unknown> = {};
  const sent: Partial<Record<FormKey, DraftValue>> = {};
  const errors: Partial<Record<FormKey, string>> = {};
  for (const key of keys) {
    const f = fieldState(key, saved, edits[key]);
    if (!f.dirty) continue;
    const p = parseDraft(key, f.value);
    if (p.ok) {
      patch[key] = p.value;
      sent[key] = f.value;
    } else {
      errors[key] = p.error;
    }
  }
  return { patch: patch as SettingsPatch, sent, errors };
}

function sentence(s: string): string {
  return s ? `${s[0]!.toUpperCase()}${s.slice(1)}` : s;
}

/**
 * Splits the backend's BAD_REQUEST issues ("portScanPorts: Too small: expected number to be
 * >=2") into messages for this section's fields and the rest.
 */
export function mapIssues(issues: readonly string[], keys: readonly FormKey[]): { fields: Partial<Record<FormKey, string>>; rest: string[] } {
  const fields: Partial<Record<FormKey, string>> = {};
  const rest: string[] = [];
  const known: ReadonlySet<string> = new Set(keys);
  for (const issue of issues) {
    const m = /^([A-Za-z][\w.]*):\s*([\s\S]*)$/.exec(issue);
    const key = m?.[1]?.split('.')[0];
    if (m && key && known.has(key)) {
      const k = key as FormKey;
      const msg = sentence(m[2]!.trim()) || 'Invalid value';
      fields[k] = fields[k] ? `${fields[k]}; ${msg}` : msg;
    } else {
      rest.push(issue);
    }
  }
  return { fields, rest };
}

/** "5,000,000" → "5 million", for the large row limits. */
export function roughly(n: number): string {
  if (n >= 1_000_000) return `${+(n / 1_000_000).toFixed(n % 1_000_000 === 0 ? 0 : 1)} million`;
  if (n >= 10_000) return `${+(n / 1000).toFixed(0)} thousand`;
  return formatInt(n);
}
