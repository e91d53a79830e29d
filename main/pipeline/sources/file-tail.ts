/**
 * The followed-file driver: a FileTailer (tail -F semantics, tail.ts) over a source whose cursor
 * is `{dev, ino, offset}`. Built under the source's lease, it resumes from the committed cursor;
 * each batch carries the cursor to commit with its rows, so a crash at any instant resumes exactly
 * after the last committed line. A file-system error (permission denied, ...) ends it with that
 * error: the supervisor shows it, backs off and follows the file again from the committed cursor.
 */
import path from 'node:path';
import type { PipelineRepo } from '../../store/pipeline-repo.js';
import { fileSourceId, toInput } from '../runner.js';
import type { EventFormat } from '../types.js';
import { FileTailer, fileCursorOf, type TailStatus } from './tail.js';
import { DriverError, type DriverContext, type SourceBatch, type SourceDriver } from './types.js';

export interface FileTailOptions {
  file: string;
  format: EventFormat;
  /** Where to start a file without a cursor (default the beginning). */
  startAt?: 'beginning' | 'end';
  pollMs?: number;
  batchLines?: number;
}

export class FileTailDriver implements SourceDriver {
  readonly file: string;
  readonly sourceId: string;
  readonly format: EventFormat;
  private readonly tailer: FileTailer;

  constructor(repo: PipelineRepo, opts: FileTailOptions) {
    this.file = path.resolve(opts.file);
    this.sourceId = fileSourceId('file', this.file);
    this.format = opts.format;
    this.tailer = new FileTailer({
      path: this.file,
      cursor: fileCursorOf(this.file, repo.getCursor(this.sourceId)),
      pollMs: opts.pollMs ?? 250,
      batchLines: opts.batchLines ?? 5000,
      startAt: opts.startAt ?? 'beginning',
    });
  }

  status(): TailStatus {
    return this.tailer.status();
  }

  async *batches(ctx: DriverContext): AsyncGenerator<SourceBatch> {
    const report = () => {
      const st = this.tailer.status();
      ctx.report({ state: st.state === 'waiting' ? 'waiting' : st.bytesBehind > 0 ? 'running' : 'caught_up', behind: st.bytesBehind, note: st.note });
    };
    const idle = () => {
      const st = this.tailer.status();
      if (st.state === 'error') throw new DriverError(st.lastError ?? 'the file could not be read');
      report();
    };
    for await (const batch of this.tailer.follow(ctx.signal, idle)) {
      const c = batch.cursor;
      yield { records: toInput(this.file, this.format, batch.lines), cursor: { dev: c.dev, ino: c.ino, offset: c.offset } };
      report();
    }
  }

  close(): Promise<void> {
    return this.tailer.close();
  }
}
