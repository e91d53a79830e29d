import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { GmpProtocolError } from './errors.js';
import type { XNode } from './xml.js';

/**
 * Framing of GMP replies. GMP has no length prefix: each reply is one XML element,
 * `<{command}_response status=...>` (or `<gmp_response>` for protocol errors), and the next reply
 * starts right after it closes, possibly in the same TLS record. One `saxes` parser in fragment
 * mode reads the whole connection as a sequence of top-level elements; each top-level element
 * goes to the next waiting collector (FIFO), so replies to pipelined commands that arrive
 * concatenated, or split at any byte, are told apart by the XML itself.
 *
 * A collector decides, element by element, what to keep: whole small replies become an element
 * tree, while a report keeps only a skeleton and hands each `<result>` out as soon as it closes
 * (then forgets it), so memory stays bounded whatever the report size.
 */

/** What to do with an element (and its subtree). */
export type Disposition = 'keep' | 'emit' | 'skip';

export interface CollectorOptions {
  /** Decides for each element outside emitted subtrees; `names` is the path from the root (root included). Default: keep. */
  decide?: (names: readonly string[]) => Disposition;
  /** Receives each emitted subtree when it closes. */
  onEmit?: (node: XNode) => void;
  /** Called when the root element opens (its attributes carry the status). */
  onRoot?: (root: XNode) => void;
  /** Largest kept skeleton, and largest single emitted subtree, in characters. */
  maxChars: number;
}

/** Builds one reply from parser events. */
export class ResponseCollector {
  root: XNode | null = null;
  private readonly stack: XNode[] = [];
  private readonly names: string[] = [];
  private skipDepth = 0;
  private keptChars = 0;
  private emitChars = 0;
  private emitDepth = -1;

  constructor(private readonly opts: CollectorOptions) {}

  open(name: string, attrs: Record<string, string>): void {
    if (this.skipDepth > 0) {
      this.skipDepth++;
      return;
    }
    const disposition: Disposition = this.emitDepth >= 0 || this.stack.length === 0 ? 'keep' : (this.opts.decide?.([...this.names, name]) ?? 'keep');
    if (disposition === 'skip') {
      this.skipDepth = 1;
      return;
    }
    const node: XNode = { name, attrs, text: '', children: [] };
    let size = name.length;
    for (const k in attrs) size += k.length + attrs[k]!.length;
    if (disposition === 'emit') {
      this.emitDepth = this.stack.length;
      this.emitChars = 0;
    }
    this.count(size);
    const parent = this.stack[this.stack.length - 1];
    if (parent && disposition !== 'emit') parent.children.push(node);
    this.stack.push(node);
    this.names.push(name);
    if (!this.root) {
      this.root = node;
      this.opts.onRoot?.(node);
    }
  }

  text(t: string): void {
    if (this.skipDepth > 0) return;
    const top = this.stack[this.stack.length - 1];
    if (!top) return;
    this.count(t.length);
    top.text += t;
  }

  /** Returns true when the root closed. */
  close(): boolean {
    if (this.skipDepth > 0) {
      this.skipDepth--;
      return false;
    }
    const node = this.stack.pop();
    this.names.pop();
    if (node && this.emitDepth === this.stack.length) {
      this.emitDepth = -1;
      this.opts.onEmit?.(node);
    }
    return this.stack.length === 0;
  }

  private count(n: number): void {
    if (this.emitDepth >= 0) {
      this.emitChars += n;
      if (this.emitChars > this.opts.maxChars) throw new GmpProtocolError(`a reply element is larger than ${this.opts.maxChars} characters`);
    } else {
      this.keptChars += n;
      if (this.keptChars > this.opts.maxChars) throw new GmpProtocolError(`the reply is larger than ${this.opts.maxChars} characters`);
    }
  }
}

export interface Expectation {
  collector: ResponseCollector;
  done: (root: XNode) => void;
}

/**
 * Reads a connection's stream of replies. `onFatal` is called once when the stream cannot be
 * read any further (malformed XML, an element nobody waits for, an oversized reply); the
 * connection must then be closed, since there is no way to find the next reply's start.
 */
export class GmpReader {
  private readonly parser: SaxesParser<{ fragment: true; position: false; xmlns: false }>;
  private readonly queue: Expectation[] = [];
  private depth = 0;
  private failed = false;

  constructor(private readonly onFatal: (err: GmpProtocolError) => void) {
    this.parser = new SaxesParser({ fragment: true, position: false, xmlns: false });
    this.parser.on('error', (err) => this.fail(new GmpProtocolError(`malformed reply: ${err.message}`, { cause: err })));
    this.parser.on('opentag', (tag: SaxesTagPlain) => this.guard(() => this.onOpen(tag)));
    this.parser.on('text', (t) => this.guard(() => this.onText(t)));
    this.parser.on('cdata', (t) => this.guard(() => this.onText(t)));
    this.parser.on('closetag', () => this.guard(() => this.onClose()));
  }

  /** Waits for the next top-level element. */
  expect(e: Expectation): void {
    this.queue.push(e);
  }

  /** True when a reply is being read or waited for. */
  get busy(): boolean {
    return this.queue.length > 0 || this.depth > 0;
  }

  get broken(): boolean {
    return this.failed;
  }

  write(chunk: string): void {
    if (this.failed) return;
    try {
      this.parser.write(chunk);
    } catch (err) {
      this.fail(err instanceof GmpProtocolError ? err : new GmpProtocolError(`malformed reply: ${String(err)}`, { cause: err }));
    }
  }

  private guard(fn: () => void): void {
    if (this.failed) return;
    try {
      fn();
    } catch (err) {
      this.fail(err instanceof GmpProtocolError ? err : new GmpProtocolError(String(err), { cause: err }));
    }
  }

  private onOpen(tag: SaxesTagPlain): void {
    if (this.depth === 0 && this.queue.length === 0) throw new GmpProtocolError(`unexpected <${tag.name}> with no command waiting for a reply`);
    this.depth++;
    this.queue[0]!.collector.open(tag.name, tag.attributes);
  }

  private onText(t: string): void {
    if (this.depth === 0) {
      if (t.trim() !== '') throw new GmpProtocolError('text outside a reply element');
      return;
    }
    this.queue[0]!.collector.text(t);
  }

  private onClose(): void {
    this.depth--;
    const head = this.queue[0]!;
    if (head.collector.close()) {
      this.queue.shift();
      head.done(head.collector.root!);
    }
  }

  private fail(err: GmpProtocolError): void {
    if (this.failed) return;
    this.failed = true;
    this.onFatal(err);
  }
}
