import { GmpReader, ResponseCollector, type CollectorOptions } from '../../../main/connectors/gvm/reader.js';
import type { XNode } from '../../../main/connectors/gvm/xml.js';

/** One reply parsed by the client's own reader (what the client would see), for tests. */
export function replyTree(xml: string, opts: Partial<CollectorOptions> = {}): XNode {
  let root: XNode | null = null;
  let error: Error | null = null;
  const reader = new GmpReader((err) => (error = err));
  reader.expect({ collector: new ResponseCollector({ maxChars: 1 << 26, ...opts }), done: (r) => (root = r) });
  reader.write(xml);
  if (error) throw error;
  if (!root) throw new Error('the reply did not close');
  return root;
}
