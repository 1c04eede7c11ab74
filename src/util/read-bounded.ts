import { isUtf8 } from 'node:buffer';
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
    readonly reason: 'missing' | 'not_regular' | 'too_large' | 'unreadable' | 'not_utf8',
    message: string,
    /** For `not_utf8`: the line the first bytes that are not UTF-8 are on. */
    readonly line?: number,
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

/**
 * `readBounded` as UTF-8 text. Bytes that are not UTF-8 are an error naming the line, not
 * replacement characters: a model name or an expected answer quietly changed would be sent
 * and scored as if the file had said it.
 */
export function readBoundedText(file: string, maxBytes: number, options?: ReadOptions): string {
  const bytes = readBounded(file, maxBytes, options);
  if (!isUtf8(bytes)) {
    const at = firstNonUtf8(bytes);
    let line = 1;
    for (let i = bytes.indexOf(10); i !== -1 && i < at; i = bytes.indexOf(10, i + 1)) line++;
    throw new FileReadError(
      file,
      'not_utf8',
      `${file} is not UTF-8 text: line ${line} holds bytes that are not UTF-8 (save the file as UTF-8)`,
      line,
    );
  }
  return bytes.toString('utf8');
}

/** Where the first byte sequence that is not UTF-8 starts (RFC 3629: no overlongs, no surrogates). */
function firstNonUtf8(b: Uint8Array): number {
  for (let i = 0; i < b.length; ) {
    const c = b[i]!;
    const n =
      c < 0x80
        ? 1
        : c >= 0xc2 && c < 0xe0
          ? 2
          : c >= 0xe0 && c < 0xf0
            ? 3
            : c >= 0xf0 && c < 0xf5
              ? 4
              : 0;
    if (n === 0 || i + n > b.length) return i;
    for (let k = 1; k < n; k++) if ((b[i + k]! & 0xc0) !== 0x80) return i;
    const c1 = b[i + 1]!;
    if ((c === 0xe0 && c1 < 0xa0) || (c === 0xed && c1 >= 0xa0)) return i;
    if ((c === 0xf0 && c1 < 0x90) || (c === 0xf4 && c1 >= 0x90)) return i;
    i += n;
  }
  return b.length;
}
