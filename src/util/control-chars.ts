// The characters a renderer drops from untrusted text (report/escape.ts): they would drive a
// terminal, reorder what a reader sees, or break XML. Shared with the secret masking
// (util/redact.ts), which must see a key the way a rendered page will show it: a key with a NUL
// or an escape sequence inside is whole again once they are dropped.

/** ANSI/VT escape sequences: CSI (ESC [ … or 8-bit CSI), OSC (ESC ] … BEL/ST), DCS/SOS/PM/APC strings and two-byte ESC sequences. */
export const ANSI_SEQUENCE =
  /(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]|(?:\u001b[\]PX^_]|[\u0090\u0098\u009d-\u009f])[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?|\u001b[ -/]*[0-~]?/g;

/** C0 controls except tab and newline, DEL, C1 controls. */
export const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

/** Bidirectional overrides and isolates, which can make text read differently from what it is. */
export const BIDI = /[\u202a-\u202e\u2066-\u2069]/g;

/** Characters XML 1.0 does not allow anywhere (in `u` mode a lone surrogate is its own code point). */
export const XML_ILLEGAL = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu;

/** What every stretch a renderer drops starts with: a text without one is shown as it is. */
export const DROPPABLE =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Everything a renderer drops, in one pass: the same four sets as above. */
const DROPPED = new RegExp(
  [ANSI_SEQUENCE, CONTROL, BIDI, XML_ILLEGAL].map((r) => r.source).join('|'),
  'gu',
);

/**
 * The text as a renderer will show it, and `from(i)`: the index in `text` of the visible text's
 * i-th UTF-16 unit. Undefined when nothing would be dropped. Only the dropped stretches are
 * remembered, not an index per character: an answer may be hundreds of megabytes.
 */
export function visibleText(
  text: string,
): { text: string; from: (i: number) => number } | undefined {
  if (!DROPPABLE.test(text)) return undefined;
  // Where (in the visible text) each dropped stretch was, and how much had been dropped up to
  // and including it.
  const at: number[] = [];
  const dropped: number[] = [];
  let out = '';
  let kept = 0;
  DROPPED.lastIndex = 0;
  for (let m = DROPPED.exec(text); m !== null; m = DROPPED.exec(text)) {
    if (m[0].length === 0) {
      DROPPED.lastIndex++;
      continue;
    }
    out += text.slice(kept, m.index);
    const total = (dropped.at(-1) ?? 0) + m[0].length;
    if (at.at(-1) === out.length) dropped[dropped.length - 1] = total;
    else {
      at.push(out.length);
      dropped.push(total);
    }
    kept = m.index + m[0].length;
  }
  out += text.slice(kept);
  const from = (i: number) => {
    // The last stretch dropped at or before visible index i.
    let lo = 0;
    let hi = at.length - 1;
    let shift = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (at[mid]! <= i) {
        shift = dropped[mid]!;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return i + shift;
  };
  return { text: out, from };
}
