import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileReadError, readBoundedText } from '../../src/util/read-bounded.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-read-'));
const file = (name: string, bytes: Uint8Array) => {
  const p = path.join(dir, name);
  writeFileSync(p, bytes);
  return p;
};
const read = (p: string) => readBoundedText(p, 1024);

describe('readBoundedText: UTF-8 or an error naming the line', () => {
  it('reads UTF-8 as it is: a byte-order mark, accents, emoji, a literal replacement character', () => {
    const text = '\uFEFFcafé 😀\nline two \uFFFD\n';
    expect(read(file('ok.txt', Buffer.from(text, 'utf8')))).toBe(text);
  });

  it.each([
    ['a Latin-1 byte', [0x63, 0x61, 0x66, 0xe9], 3],
    ['a lone continuation byte', [0x80], 1],
    ['a character cut short at the end', [0x61, 0xe2, 0x82], 2],
    ['an overlong encoding of "/"', [0xc0, 0xaf], 1],
    ['an overlong three-byte form', [0xe0, 0x80, 0xaf], 1],
    ['a UTF-16 surrogate', [0xed, 0xa0, 0x80], 1],
    ['a code point past U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 1],
  ])('refuses %s, naming the line it is on', (_, bad, line) => {
    const lines = Array.from({ length: line - 1 }, () => Buffer.from('fine\n'));
    const p = file(
      'bad.txt',
      Buffer.concat([...lines, Buffer.from(bad), Buffer.from('\nafter\n')]),
    );
    let err: unknown;
    try {
      read(p);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FileReadError);
    expect((err as FileReadError).reason).toBe('not_utf8');
    expect((err as FileReadError).message).toBe(
      `${p} is not UTF-8 text: line ${line} holds bytes that are not UTF-8 (save the file as UTF-8)`,
    );
  });
});
