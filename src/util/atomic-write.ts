import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';

/** A temp name beside `file` that nobody can guess, so nobody can plant a link there first. */
/** Where `file` is written before the rename: a hidden name beside it. */
export function tempPath(file: string): string {
  const dir = path.dirname(path.resolve(file));
  return path.join(dir, `.${path.basename(file)}.${randomBytes(8).toString('hex')}.tmp`);
}

/**
 * Writes `file` so that a reader (or a crash) sees either the old content or the whole new one,
 * never a truncated mix: a temp file in the same folder, fsync, then rename over the target.
 * The temp name is unpredictable and created exclusively (O_EXCL), so a planted symlink at that
 * name cannot redirect the write.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  writeFileAtomicChunks(file, [data]);
}

/**
 * UTF-16 code units gathered before each write(2): few system calls, little held at a time, and
 * each joined string small enough for V8's young generation (a large-object string is freed
 * only by a full collection, which made a 100,000-case report slow to write).
 */
const FLUSH_UNITS = 1 << 15;
/** A piece at least this long is written on its own. */
const DIRECT_UNITS = 1 << 12;

/**
 * `writeFileAtomic` for content given in pieces (see src/util/json-chunks.ts): no single string
 * or buffer holds the whole file, so a file larger than the longest string V8 can make is
 * still written. A piece that throws leaves the old file as it was.
 */
export function writeFileAtomicChunks(file: string, chunks: Iterable<string | Uint8Array>): void {
  const tmp = tempPath(file);
  const fd = openSync(tmp, 'wx', 0o644);
  try {
    try {
      let pending: string[] = [];
      let pendingLength = 0;
      const writeAll = (buf: Uint8Array) => {
        let off = 0;
        while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
      };
      // A string goes to write(2) without a Buffer of our own (much faster for two-byte
      // strings); a short write, which a regular file only does when the disk is full, goes on
      // from the byte where it stopped.
      const writeText = (text: string) => {
        const n = writeSync(fd, text);
        if (n < Buffer.byteLength(text)) writeAll(Buffer.from(text, 'utf8').subarray(n));
      };
      const flush = () => {
        if (pending.length === 0) return;
        writeText(pending.join(''));
        pending = [];
        pendingLength = 0;
      };
      for (const chunk of chunks) {
        if (typeof chunk !== 'string') {
          flush();
          writeAll(chunk);
          continue;
        }
        // A long piece goes out as it is: joining it with others first would copy it once more
        // (about ten times the cost of its write for a report's batches of cases).
        if (chunk.length >= DIRECT_UNITS) {
          flush();
          writeText(chunk);
          continue;
        }
        pending.push(chunk);
        pendingLength += chunk.length;
        if (pendingLength >= FLUSH_UNITS) flush();
      }
      flush();
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * `writeFileAtomic` off the event loop, for writes made while calls are in flight. `durable:
 * false` skips the fsync, for a file whose loss after a crash costs nothing but a re-fetch (a
 * cache entry): a reader still never sees half a file, and an fsync per answer would cost more
 * than the answers save on a slow runner disk.
 */
export async function writeFileAtomicAsync(
  file: string,
  data: string | Uint8Array,
  options: { durable?: boolean } = {},
): Promise<void> {
  const tmp = tempPath(file);
  const handle = await open(tmp, 'wx', 0o644);
  try {
    try {
      await handle.writeFile(data);
      if (options.durable ?? true) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
