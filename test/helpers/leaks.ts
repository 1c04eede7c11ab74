import { expect } from 'vitest';

/**
 * Every piece of `secret` of `n` characters: a text holding none of them shows no prefix, suffix
 * or middle of the secret that long (a cut through a key leaves a prefix, a mask that missed an
 * overlap leaves a tail).
 */
export function secretPieces(secret: string, n = 8): string[] {
  const pieces: string[] = [];
  for (let i = 0; i + n <= secret.length; i++) pieces.push(secret.slice(i, i + n));
  return pieces;
}

/** The first piece of a secret found in `text`, or undefined. */
export function findPiece(text: string, secrets: readonly string[], n = 8): string | undefined {
  for (const s of secrets) for (const p of secretPieces(s, n)) if (text.includes(p)) return p;
  return undefined;
}

/** Fails naming the output that holds a piece (8 characters or more) of a secret. */
export function expectNoPiece(outputs: Record<string, string>, secrets: readonly string[]): void {
  for (const [where, text] of Object.entries(outputs)) {
    const piece = findPiece(text, secrets);
    expect(piece, `${where} holds "${piece}", a piece of a secret`).toBeUndefined();
  }
}
