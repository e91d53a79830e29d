import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import yaml from 'js-yaml';

/**
 * An in-process OpenAPI validator: every request a client sends and every answer the simulator
 * gives can be checked against the official spec (schemas compiled by Ajv from the spec file,
 * `$ref`s resolved inside it). Chosen over a Prism proxy because it runs inside each test with
 * no extra process or port, checks every exchange of every test that opts in, and reports
 * precise paths. Checks: the operation exists; query parameters are known (Wazuh and OpenSearch
 * both refuse unknown ones) and fit their schemas (comma lists as Wazuh and OpenSearch read
 * them); JSON bodies fit; the status is documented; the answer fits the documented schema.
 */

type Json = Record<string, unknown>;

export interface SpecFile {
  file: string;
  /** OpenAPI 3.0 (draft-04-ish JSON Schema with `nullable`) or 3.1 (JSON Schema 2020-12). */
  dialect: '3.0' | '3.1';
  /** Custom `format`s the spec uses: a pattern, or true to accept any string. */
  formats?: Record<string, RegExp | true>;
}

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** The copies under spec/ (see spec/README.md for origin and licence). */
export const WAZUH_SPEC: SpecFile = {
  file: here('./spec/wazuh/spec-4.14.7.yaml'),
  dialect: '3.0',
  // from wazuh/wazuh api/api/validator.py (the ones the endpoints Vigil uses rely on)
  formats: {
    numbers: /^\d+$/,
    names: /^[\w\-.%]+$/,
    alphanumeric: /^[\w,\-.+\s:]+$/,
    wazuh_version: /^(?:wazuh |)v?\d+\.\d+\.\d+$|^[\w ]+$/i,
    active_response_command: /^!?[\w\-.\\/:]+$/,
    search: /^[^;|&^*>]+$/,
    sort: /^[\w,.+\- ]+$/,
  },
};

export const OPENSEARCH_SPEC: SpecFile = {
  file: here('./spec/opensearch/opensearch-2.19-alerts-subset.yaml'),
  dialect: '3.1',
};

interface Located {
  node: Json;
  /** JSON pointer of `node` inside the spec. */
  pointer: string;
}

const esc = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
const INT_FORMATS = ['int32', 'int64', 'float', 'double', 'binary', 'byte', 'password', 'path', 'paths', 'string', 'hash', 'date-time_or_empty', 'timeframe'];

export class OpenApiValidator {
  private readonly spec: Json;
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly routes: { method: string; template: string; re: RegExp; literal: number }[] = [];

  constructor(readonly source: SpecFile) {
    // The OpenSearch subset carries a js-yaml `!<...js/undefined>` tag on `servers`: drop it.
    const text = fs.readFileSync(source.file, 'utf8').replace(/!<tag:yaml\.org,2002:js\/undefined> /g, '');
    this.spec = yaml.load(text) as Json;
    const opts = { strict: false, allErrors: true, validateSchema: false, logger: false as const };
    this.ajv = source.dialect === '3.1' ? new Ajv2020(opts) : new Ajv(opts);
    (addFormats as unknown as (a: Ajv) => void)(this.ajv);
    for (const f of INT_FORMATS) if (!this.ajv.formats[f]) this.ajv.addFormat(f, true);
    for (const [name, re] of Object.entries(source.formats ?? {})) this.ajv.addFormat(name, re === true ? true : re);
    this.ajv.addSchema(this.spec, 'spec');
    for (const [template, item] of Object.entries(this.spec.paths as Record<string, Json>)) {
      const re = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '([^/]+)')}$`);
      for (const method of Object.keys(item)) {
        if (['get', 'put', 'post', 'delete', 'head', 'patch'].includes(method)) {
          this.routes.push({ method: method.toUpperCase(), template, re, literal: template.split('/').filter((s) => s && !s.startsWith('{')).length });
        }
      }
    }
    this.routes.sort((a, b) => b.literal - a.literal);
  }

  /** Follows `$ref`s (local ones) and tracks where the node lives. */
  private deref(node: unknown, pointer: string): Located {
    let n = node as Json;
    let p = pointer;
    for (let i = 0; i < 20 && n && typeof n.$ref === 'string'; i++) {
      p = (n.$ref as string).replace(/^#/, '');
      n = p
        .split('/')
        .slice(1)
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
        .reduce<unknown>((o, k) => (o as Json)?.[k], this.spec) as Json;
    }
    return { node: n, pointer: p };
  }

  private validator(pointer: string): ValidateFunction {
    let v = this.compiled.get(pointer);
    if (!v) {
      v = this.ajv.compile({ $ref: `spec#${pointer}` });
      this.compiled.set(pointer, v);
    }
    return v;
  }

  private check(pointer: string, value: unknown, what: string): string[] {
    const v = this.validator(pointer);
    if (v(value)) return [];
    return (v.errors ?? []).slice(0, 5).map((e) => `${what}${e.instancePath} ${e.message ?? 'is invalid'}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
  }

  /** The operation for a method and a concrete path, or null. */
  operation(method: string, path: string): { template: string; op: Located; pathItem: Located } | null {
    const route = this.routes.find((r) => r.method === method && r.re.test(path));
    if (!route) return null;
    const itemPointer = `/paths/${esc(route.template)}`;
    const pathItem = this.deref((this.spec.paths as Json)[route.template], itemPointer);
    const op = this.deref(pathItem.node[method.toLowerCase()], `${pathItem.pointer}/${method.toLowerCase()}`);
    return { template: route.template, op, pathItem };
  }

  private parameters(found: NonNullable<ReturnType<OpenApiValidator['operation']>>): (Located & { name: string; in: string })[] {
    const out: (Located & { name: string; in: string })[] = [];
    for (const owner of [found.pathItem, found.op]) {
      const list = (owner.node.parameters as unknown[]) ?? [];
      list.forEach((p, i) => {
        const l = this.deref(p, `${owner.pointer}/parameters/${i}`);
        out.push({ ...l, name: String(l.node.name), in: String(l.node.in) });
      });
    }
    return out;
  }

  /** Coerces a query string value to what its schema expects (comma lists, numbers, booleans). */
  private coerce(schema: Json, raw: string): unknown {
    const s = this.deref(schema, '').node;
    if (s.type === 'array') return raw.split(',').map((x) => this.coerce(this.deref(s.items, '').node, x));
    if (s.type === 'integer' || s.type === 'number') return /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
    if (s.type === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : raw;
    return raw;
  }

  checkRequest(method: string, path: string, query: URLSearchParams, body?: unknown): string[] {
    const where = `${method} ${path}`;
    const found = this.operation(method, path);
    if (!found) return [`${where}: no such operation in ${this.source.file.split('/').pop()}`];
    const params = this.parameters(found);
    const problems: string[] = [];
    for (const [name, raw] of query) {
      const p = params.find((x) => x.in === 'query' && x.name === name);
      if (!p) {
        problems.push(`${where}: unknown query parameter "${name}"`);
        continue;
      }
      problems.push(...this.check(`${p.pointer}/schema`, this.coerce(p.node.schema as Json, raw), `${where} ?${name}=${raw}`));
    }
    for (const p of params) if (p.in === 'query' && p.node.required && !query.has(p.name)) problems.push(`${where}: missing required query parameter "${p.name}"`);
    if (body !== undefined && found.op.node.requestBody) {
      const rb = this.deref(found.op.node.requestBody, `${found.op.pointer}/requestBody`);
      const content = rb.node.content as Json | undefined;
      if (content?.['application/json']) problems.push(...this.check(`${rb.pointer}/content/application~1json/schema`, body, `${where} body`));
    }
    return problems;
  }

  checkResponse(method: string, path: string, status: number, contentType: string, body: unknown): string[] {
    const where = `${method} ${path} -> ${status}`;
    const found = this.operation(method, path);
    if (!found) return [`${where}: no such operation`];
    const responses = found.op.node.responses as Json;
    const key = [String(status), `${String(status)[0]}XX`, 'default'].find((k) => responses[k] !== undefined);
    if (!key) return [`${where}: status ${status} is not documented for ${method} ${found.template}`];
    const res = this.deref(responses[key], `${found.op.pointer}/responses/${key}`);
    const content = res.node.content as Json | undefined;
    if (!content) return [];
    if (!content[contentType]) return [`${where}: content type ${contentType} is not documented (${Object.keys(content).join(', ')})`];
    const schema = (content[contentType] as Json).schema;
    if (!schema) return [];
    return this.check(`${res.pointer}/content/${esc(contentType)}/schema`, body, where);
  }
}
