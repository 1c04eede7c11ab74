import type http from 'node:http';

// Endpoints that answer too much, forever, or too deep, written so that the test process itself
// stays small: a body of any size is poured from one reused chunk, honouring backpressure.

/**
 * Writes `chunk` again and again until `total` bytes are out (then ends the response, unless
 * `end` is false) or the client hangs up. Never holds more than the one chunk, so a 600 MB body
 * costs the server nothing. Resolves with the bytes written.
 */
export async function pour(
  res: http.ServerResponse,
  chunk: Buffer,
  total = Number.POSITIVE_INFINITY,
  end = true,
): Promise<number> {
  let sent = 0;
  let closed = false;
  res.once('close', () => {
    closed = true;
  });
  while (!closed && sent < total) {
    const piece = total - sent < chunk.length ? chunk.subarray(0, total - sent) : chunk;
    sent += piece.length;
    if (!res.write(piece)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
  }
  if (!closed && end) res.end();
  return sent;
}

/** `{"k":{"k":...1...}}`, nested `depth` levels. */
export function nestedJson(depth: number, key = 'k'): string {
  return `{"${key}":`.repeat(depth) + '1' + '}'.repeat(depth);
}

/** A 1 MiB chunk of plain answer text (no line ends), for bodies that only need to be long. */
export const MIB_OF_TEXT = Buffer.alloc(1024 * 1024, 'a');
