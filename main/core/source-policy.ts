import fs from 'node:fs';
import path from 'node:path';
import { ContractError } from '../contract/index.js';

/**
 * Which files a caller may make Vigil follow (issue 15 item 3: a token holder could add
 * /etc/passwd as a source and read its lines back through the quarantine). The CLI runs as the
 * user on purpose and is not restricted; the two UI transports are:
 * - desktop: only files the analyst picked in the native file dialog of that window
 *   (GrantedPaths, filled by the shell's `sources.pick`);
 * - headless: only files under the configured source folders (SourceDirs), checked on the
 *   real path, so neither `..` nor a symlink leads out of them.
 * A refusal is a FORBIDDEN contract error whose message names the rule.
 */
export interface SourcePathPolicy {
  /** Throws ContractError('FORBIDDEN') naming the rule when `file` may not be followed. */
  check(file: string): void;
}

/** The real path of a file, or of its folder plus its name when the file does not exist yet. */
export function realPathOf(file: string): string {
  const abs = path.resolve(file);
  try {
    return fs.realpathSync.native(abs);
  } catch {
    try {
      return path.join(fs.realpathSync.native(path.dirname(abs)), path.basename(abs));
    } catch {
      return abs;
    }
  }
}

function isInside(child: string, dir: string): boolean {
  const rel = path.relative(dir, child);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** Desktop: the files picked in the native dialog of one window. */
export class GrantedPaths implements SourcePathPolicy {
  private readonly granted = new Set<string>();

  /** Records a file the analyst chose in the dialog. */
  grant(file: string): void {
    this.granted.add(realPathOf(file));
  }

  check(file: string): void {
    if (!path.isAbsolute(file) || !this.granted.has(realPathOf(file))) {
      throw new ContractError('FORBIDDEN', `${file} was not chosen in this window's file dialog; add a source with "Choose file…"`);
    }
  }
}

/**
 * Headless: files under the source folders (`vigil serve --source-dir DIR`, setting sourceDirs).
 * `dirs` is read on every check, so a folder added with `vigil settings set` applies at once.
 */
export class SourceDirs implements SourcePathPolicy {
  constructor(private readonly dirs: () => readonly string[]) {}

  check(file: string): void {
    const dirs = [...new Set(this.dirs())];
    const how = 'start vigil serve with --source-dir DIR, or run "vigil settings set sourceDirs DIR[,DIR...]"';
    if (dirs.length === 0) {
      throw new ContractError('FORBIDDEN', `vigil serve follows only files under its source folders, and none is set; ${how}`);
    }
    if (!path.isAbsolute(file)) throw new ContractError('BAD_REQUEST', `give the full path of the file (${file} is relative)`);
    if (file.split(/[\\/]+/).includes('..')) throw new ContractError('FORBIDDEN', `a source path must not contain ".." (${file})`);
    const real = realPathOf(file);
    const allowed = dirs.some((d) => isInside(real, realPathOf(d)));
    if (allowed) return;
    const shown = dirs.join(', ');
    if (real !== path.resolve(file)) {
      throw new ContractError('FORBIDDEN', `${file} leads to ${real} (a symbolic link), outside the source folders vigil serve allows (${shown})`);
    }
    throw new ContractError('FORBIDDEN', `${file} is outside the source folders vigil serve allows (${shown}); ${how}`);
  }
}
