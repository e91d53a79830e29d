import { SaxesParser, type SaxesTagPlain } from 'saxes';

/**
 * The simulator's own XML side, independent of the client's reader so a bug in one cannot hide
 * in the other: a command reader for a connection (commands can arrive several per packet, or
 * one across many), escaping, gvmd's time and number formats.
 */

export interface SimNode {
  name: string;
  attrs: Record<string, string>;
  text: string;
  children: SimNode[];
}

export function esc(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

export const kid = (n: SimNode | undefined, name: string): SimNode | undefined => n?.children.find((c) => c.name === name);
export const kids = (n: SimNode | undefined, name: string): SimNode[] => n?.children.filter((c) => c.name === name) ?? [];
export const kidText = (n: SimNode | undefined, name: string): string => kid(n, name)?.text.trim() ?? '';

/** gvmd's ISO time, whole seconds, UTC. */
export function isoNow(ms = Date.now()): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Severity as gvmd prints it in `<severity>`: one decimal. */
export const sev1 = (n: number): string => n.toFixed(1);

/** Severity as gvmd prints `<original_severity>`: shortest form (5, 2.6). */
export const sevShort = (n: number): string => String(Number(n.toFixed(1)));

/**
 * Reads the commands of one connection: each top-level element is a command, handed over when it
 * closes. `onError` gets malformed XML (gvmd then closes the socket without a reply).
 */
export class CommandReader {
  private readonly parser = new SaxesParser({ fragment: true, position: false, xmlns: false });
  private stack: SimNode[] = [];
  private failed = false;

  constructor(onCommand: (cmd: SimNode) => void, onError: (err: Error) => void) {
    this.parser.on('error', (err) => {
      if (this.failed) return;
      this.failed = true;
      onError(err);
    });
    this.parser.on('opentag', (tag: SaxesTagPlain) => {
      const node: SimNode = { name: tag.name, attrs: { ...tag.attributes }, text: '', children: [] };
      this.stack[this.stack.length - 1]?.children.push(node);
      this.stack.push(node);
    });
    this.parser.on('text', (t) => {
      const top = this.stack[this.stack.length - 1];
      if (top) top.text += t;
      else if (t.trim() !== '' && !this.failed) {
        this.failed = true;
        onError(new Error('text outside a command'));
      }
    });
    this.parser.on('closetag', () => {
      const node = this.stack.pop()!;
      if (this.stack.length === 0 && !this.failed) onCommand(node);
    });
  }

  write(chunk: string): void {
    if (!this.failed) this.parser.write(chunk);
  }
}

/** Parses a whole document (tests and fixtures). */
export function parseXml(xml: string): SimNode {
  let root: SimNode | null = null;
  let error: Error | null = null;
  const reader = new CommandReader(
    (n) => (root ??= n),
    (e) => (error = e),
  );
  reader.write(xml);
  if (error) throw error;
  if (!root) throw new Error('no element');
  return root;
}
