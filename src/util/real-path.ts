import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * The path with every symlink resolved, as the filesystem spells it. A path that does not exist
 * yet (an output file) resolves through its nearest existing ancestor, so a new file inside a
 * symlinked folder is placed where it will really be written.
 */
export function realPath(p: string): string {
  const abs = path.resolve(p);
  try {
    return realpathSync.native(abs);
  } catch {
    const up = path.dirname(abs);
    if (up === abs) return abs;
    return path.join(realPath(up), path.basename(abs));
  }
}

/** Whether `p` is `root` or below it; both must already be real paths. */
export function isInside(root: string, p: string): boolean {
  if (p === root) return true;
  const rel = path.relative(root, p);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

/**
 * What makes two paths the same file: device and inode when it exists (which sees through hard
 * links, symlinks and a case-insensitive filesystem's spelling), else the real path.
 */
export function fileIdentity(p: string): string {
  try {
    const st = statSync(p);
    return `ino:${st.dev}:${st.ino}`;
  } catch {
    return `path:${realPath(p)}`;
  }
}
