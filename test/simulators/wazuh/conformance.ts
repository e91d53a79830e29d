import { OpenApiValidator, OPENSEARCH_SPEC, WAZUH_SPEC } from './openapi.js';
import type { Exchange } from './server-kit.js';

/**
 * Checks every exchange a simulator serves (requests from the clients, answers from the
 * simulator) against the official specs; faults injected on purpose are not checked.
 * Pass `onApiExchange` / `onIndexerExchange` to startWazuhSimulator and assert `violations`
 * is empty at the end of the test.
 */
export function specConformance() {
  const wazuh = new OpenApiValidator(WAZUH_SPEC);
  const opensearch = new OpenApiValidator(OPENSEARCH_SPEC);
  const violations: string[] = [];
  const checked = { api: 0, indexer: 0 };
  const check = (v: OpenApiValidator, e: Exchange) => {
    const { method, path, query, text } = e.request;
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      violations.push(`${method} ${path}: the request body is not JSON`);
    }
    violations.push(...v.checkRequest(method, path, query, body));
    const answer = e.contentType === 'application/json' ? e.body : e.reply.body;
    violations.push(...v.checkResponse(method, path, e.reply.status, e.contentType, answer));
  };
  return {
    violations,
    checked,
    onApiExchange: (e: Exchange) => {
      checked.api++;
      check(wazuh, e);
    },
    onIndexerExchange: (e: Exchange) => {
      checked.indexer++;
      check(opensearch, e);
    },
  };
}
