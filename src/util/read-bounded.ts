import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/**
 * Limits on what evalgate reads from disk. Every input file passes through `readBounded`: a path
 * that names a FIFO, a device such as /dev/zero or a multi-gigabyte file must be a clear error,
 * never a read that blocks forever or grows without bound.
 */
export const FILE_LIMITS = {
  /** evalgate.yaml and the like. */
  config: 4 * 1024 * 1024,
  /** Prompt, system and rubric templates; JSON Schema files. */
  template: 4 * 1024 * 1024,
  /** One golden-set file. */
  dataset: 512 * 1024 * 1024,
  /** A stored `--baseline-report`. */
  report: 1024 * 1024 * 1024,
  /** A response-cache entry. */
  cacheEntry: 64 * 1024 * 1024,
} as const;

/** Why a file could not be read: `message` names the file and says what to do. */
export class FileReadError extends Error {
  constructor(
    readonly file: string,
    readonly reason: 'missing' | 'not_regular' | 'too_large' | 'unreadable',
    message: string,
  ) {
    super(message);
    this.name = 'FileReadError';
  }
}

function mib(bytes: number): string {
  return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MiB`;
}

export interface ReadOptions {
  /**
   * Refuse a symbolic link (O_NOFOLLOW) rather than read what it points to: for files in a folder
   * others can plant links in, such as the response cache.
   */
  noFollow?: boolean;
}

/**
 * Reads a regular file of at most `maxBytes` bytes. It is opened non-blocking, so a FIFO is
 * refused rather than waited on, and checked with fstat on the open descriptor, so what is read
 * is what was checked. A file that grows while being read is cut at maxBytes + 1 and refused.
 */
export function readBounded(file: string, maxBytes: number, options: ReadOptions = {}): Buffer {
  let fd: number;
  try {
    const noFollow = options.noFollow ? (constants.O_NOFOLLOW ?? 0) : 0;
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | noFollow);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      throw new FileReadError(file, 'missing', `${file} not found`);
    if (code === 'ELOOP' && options.noFollow)
      throw new FileReadError(
        file,
        'not_regular',
        `${file} is a symbolic link; give a regular file`,
      );
    throw new FileReadError(file, 'unreadable', `${file} cannot be read (${code ?? 'error'})`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) {
      const what = st.isDirectory() ? 'a folder' : st.isFIFO() ? 'a pipe' : 'not a regular file';
      throw new FileReadError(file, 'not_regular', `${file} is ${what}; give a regular file`);
    }
    if (st.size > maxBytes) {
      throw new FileReadError(
        file,
        'too_large',
        `${file} is ${mib(st.size)}, more than the ${mib(maxBytes)} evalgate reads from such a file`,
      );
    }
    const buf = Buffer.allocUnsafe(Math.min(st.size, maxBytes) + 1);
    let got = 0;
    for (;;) {
      const n = readSync(fd, buf, got, buf.length - got, null);
      if (n === 0) break;
      got += n;
      if (got === buf.length) {
        if (got > maxBytes)
          throw new FileReadError(
            file,
            'too_large',
            `${file} grew past the ${mib(maxBytes)} evalgate reads from such a file`,
          );
        break;
      }
    }
    return buf.subarray(0, got);
  } catch (err) {
    if (err instanceof FileReadError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new FileReadError(file, 'unreadable', `${file} cannot be read (${code ?? 'error'})`);
  } finally {
    closeSync(fd);
  }
}

/** `readBounded` as UTF-8 text. */
export function readBoundedText(file: string, maxBytes: number, options?: ReadOptions): string {
  return readBounded(file, maxBytes, options).toString('utf8');
}
