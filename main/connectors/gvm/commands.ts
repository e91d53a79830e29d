import { z } from 'zod';
import { GMP_ALIVE_TESTS } from '../../contract/scans.js';
import { GmpInputError } from './errors.js';
import { LEVEL_LETTERS } from './severity.js';
import { attr, elem } from './xml.js';

/**
 * The GMP commands the client sends, built as strings with every caller-supplied value escaped.
 * Inputs are checked with zod first so a bad argument fails here with a clear message instead of
 * reaching gvmd (which closes the socket on malformed XML without a word).
 */

/** gvmd entity ids are UUIDs; the schema allows `[0-9a-fA-F-]{1,40}`. */
export const GmpIdSchema = z.string().regex(/^[0-9a-fA-F-]{1,40}$/, 'must be a gvmd id (a UUID)');

const Name = z.string().trim().min(1, 'must not be empty').max(4000);

/** GMP 22.7 `alive_test` values (the contract's list, so scan options and commands agree). */
export const ALIVE_TESTS = GMP_ALIVE_TESTS;

const HostList = z.union([z.string(), z.array(z.string())]).transform((v, ctx) => {
  const list = (Array.isArray(v) ? v : v.split(','))
    .map((h) => h.trim())
    .filter((h) => h !== '');
  if (list.length === 0) ctx.addIssue({ code: 'custom', message: 'needs at least one host' });
  return list.join(',');
});

export const CreateTargetSchema = z.object({
  name: Name,
  /** IPs, CIDR ranges, `a-b` ranges or host names: a comma list or an array. */
  hosts: HostList,
  portListId: GmpIdSchema,
  excludeHosts: HostList.optional(),
  aliveTests: z.enum(ALIVE_TESTS).optional(),
  comment: z.string().max(4000).optional(),
});
export type CreateTargetInput = z.input<typeof CreateTargetSchema>;

export const CreateTaskSchema = z.object({
  name: Name,
  configId: GmpIdSchema,
  targetId: GmpIdSchema,
  scannerId: GmpIdSchema,
  comment: z.string().max(4000).optional(),
});
export type CreateTaskInput = z.input<typeof CreateTaskSchema>;

const Levels = z
  .string()
  .regex(new RegExp(`^[${LEVEL_LETTERS}]+$`), `levels are letters from "${LEVEL_LETTERS}" (c critical, h high, m medium, l low, g log, f false positive)`);

/**
 * What a results import asks for. Defaults: min_qod=70 (gvmd's own default: results below 70%
 * quality of detection are hidden) and levels=chmlg (critical, high, medium, low and log; false
 * positives left out), no overrides applied (the scanner's own severities).
 */
export const ResultsFilterSchema = z.object({
  minQod: z.number().int().min(0).max(100).default(70),
  levels: Levels.default('chmlg'),
  applyOverrides: z.boolean().default(false),
});
export type ResultsFilterInput = z.input<typeof ResultsFilterSchema>;
export type ResultsFilter = z.output<typeof ResultsFilterSchema>;

function parse<T extends z.ZodType>(schema: T, input: unknown, what: string): z.output<T> {
  const r = schema.safeParse(input);
  if (!r.success) throw new GmpInputError(`${what}: ${r.error.issues.map((i) => `${i.path.join('.') || 'value'} ${i.message}`).join('; ')}`);
  return r.data;
}

export function checkId(id: string, what: string): string {
  return parse(GmpIdSchema, id, what);
}

export const cmd = {
  getVersion: () => '<get_version/>',
  authenticate: (username: string, password: string) =>
    `<authenticate><credentials>${elem('username', username)}${elem('password', password)}</credentials></authenticate>`,
  /** One page of a listing; `extra` holds fixed attributes (no user input). */
  list: (command: string, first: number, rows: number, extra = '') => `<${command}${extra} filter="first=${first} rows=${rows} sort=name"/>`,
  createTarget(input: CreateTargetInput): string {
    const t = parse(CreateTargetSchema, input, 'createTarget');
    return (
      '<create_target>' +
      elem('name', t.name) +
      (t.comment ? elem('comment', t.comment) : '') +
      elem('hosts', t.hosts) +
      (t.excludeHosts ? elem('exclude_hosts', t.excludeHosts) : '') +
      `<port_list id="${attr(t.portListId)}"/>` +
      (t.aliveTests ? elem('alive_tests', t.aliveTests) : '') +
      '</create_target>'
    );
  },
  createTask(input: CreateTaskInput): string {
    const t = parse(CreateTaskSchema, input, 'createTask');
    return (
      '<create_task>' +
      elem('name', t.name) +
      (t.comment ? elem('comment', t.comment) : '') +
      '<usage_type>scan</usage_type>' +
      `<config id="${attr(t.configId)}"/><target id="${attr(t.targetId)}"/><scanner id="${attr(t.scannerId)}"/>` +
      '</create_task>'
    );
  },
  taskAction: (command: 'start_task' | 'stop_task' | 'resume_task', taskId: string) => `<${command} task_id="${attr(checkId(taskId, command))}"/>`,
  deleteTask: (taskId: string, ultimate: boolean) => `<delete_task task_id="${attr(checkId(taskId, 'delete_task'))}" ultimate="${ultimate ? 1 : 0}"/>`,
  getTask: (taskId: string) => `<get_tasks task_id="${attr(checkId(taskId, 'get_tasks'))}" usage_type="scan" details="1"/>`,
  /** The filter string of a results import. */
  resultsFilter(input: ResultsFilterInput = {}): string {
    const f = parse(ResultsFilterSchema, input, 'results filter');
    const levels = [...new Set(f.levels)].join('');
    return `apply_overrides=${f.applyOverrides ? 1 : 0} min_qod=${f.minQod} levels=${levels} rows=-1 first=1 sort-reverse=severity`;
  },
  /**
   * The whole report in gvmd's native XML: no format_id (the XML report format comes with the feed
   * and is missing before the first sync: 404 "Failed to find report format"), details for the
   * results, and ignore_pagination so `rows` cannot cut the list.
   */
  getReportResults: (reportId: string, filter: string) =>
    `<get_reports report_id="${attr(checkId(reportId, 'get_reports'))}" details="1" ignore_pagination="1" filter="${attr(filter)}"/>`,
};
