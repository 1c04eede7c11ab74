import { expect } from 'vitest';
import { decodeEntities } from './fixture.js';

// A small strict XML reader for JUnit files: the unit tests and the end-to-end tests both prove
// well-formedness with it and read the testsuite tree back.

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITY = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;
const XML_ILLEGAL = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;

function checkChars(s: string, where: string): void {
  if (XML_ILLEGAL.test(s)) throw new Error(`illegal character in ${where}: ${JSON.stringify(s)}`);
  if (s.replace(ENTITY, '').includes('&')) throw new Error(`bare & in ${where}: ${s}`);
}

/** A small strict XML parser: enough to prove well-formedness and read the JUnit tree. */
export function parseXml(xml: string): XmlElement {
  let rest = xml.replace(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n/, '');
  if (rest.startsWith('<?')) throw new Error('bad declaration');
  const token = /^(?:<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"<]*")*)\s*(\/?)>|([^<]+))/;
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  while (rest.length > 0) {
    const m = token.exec(rest);
    if (!m) throw new Error(`not well-formed at: ${rest.slice(0, 60)}`);
    rest = rest.slice(m[0].length);
    const [, close, name, attrText, selfClose, text] = m;
    if (text !== undefined) {
      checkChars(text, 'text');
      const top = stack.at(-1);
      if (top) top.text += decodeEntities(text);
      else if (text.trim()) throw new Error('text outside the root element');
      continue;
    }
    if (close) {
      const open = stack.pop();
      if (!open || open.name !== name) throw new Error(`</${name}> closes <${open?.name}>`);
      if (attrText || selfClose) throw new Error('attributes on a closing tag');
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of attrText!.matchAll(/([A-Za-z_][\w.-]*)="([^"]*)"/g)) {
      if (a[1]! in attrs) throw new Error(`duplicate attribute ${a[1]}`);
      checkChars(a[2]!, `attribute ${a[1]}`);
      attrs[a[1]!] = decodeEntities(a[2]!);
    }
    const el: XmlElement = { name: name!, attrs, children: [], text: '' };
    const parent = stack.at(-1);
    if (parent) parent.children.push(el);
    else if (root) throw new Error('two root elements');
    else root = el;
    if (!selfClose) stack.push(el);
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack.at(-1)!.name}>`);
  if (!root) throw new Error('no root element');
  return root;
}

export function suite(root: XmlElement, name: string): XmlElement {
  const s = root.children.find((c) => c.name === 'testsuite' && c.attrs.name === name);
  expect(s, name).toBeDefined();
  return s!;
}

export function outcome(tc: XmlElement): 'pass' | 'failure' | 'skipped' {
  if (tc.children.some((c) => c.name === 'failure')) return 'failure';
  if (tc.children.some((c) => c.name === 'skipped')) return 'skipped';
  return 'pass';
}

/** The counts in a suite's attributes match its testcases. */
export function expectCountsMatch(s: XmlElement): void {
  const cases = s.children.filter((c) => c.name === 'testcase');
  expect(Number(s.attrs.tests)).toBe(cases.length);
  expect(Number(s.attrs.failures)).toBe(cases.filter((c) => outcome(c) === 'failure').length);
  expect(Number(s.attrs.skipped)).toBe(cases.filter((c) => outcome(c) === 'skipped').length);
  expect(s.attrs.errors).toBe('0');
}
