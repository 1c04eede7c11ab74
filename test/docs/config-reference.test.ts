import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CONFIG_REFERENCE_FILE, renderConfigReference } from '../../scripts/config-reference.js';
import { configSchema } from '../../src/config/schema.js';
import { ROOT } from '../helpers/workspace.js';

describe('docs/config-reference.md', () => {
  const page = renderConfigReference();

  it('is what the schema renders now (run `npm run docs:config` after changing the schema)', () => {
    // Modulo the table alignment the formatter adds (runs of spaces and of dashes).
    const plain = (md: string) => md.replace(/ {2,}/g, ' ').replace(/-{3,}/g, '---');
    expect(plain(readFileSync(path.join(ROOT, CONFIG_REFERENCE_FILE), 'utf8'))).toBe(plain(page));
  });

  it('documents every key the schema accepts, each with a description', () => {
    const keys = new Set<string>();
    const walk = (n: Record<string, unknown>) => {
      const props = n.properties as Record<string, Record<string, unknown>> | undefined;
      for (const [k, v] of Object.entries(props ?? {})) {
        keys.add(k);
        if (k !== 'type' && typeof v.description !== 'string') keys.add(`${k} (no description)`);
        walk(v);
      }
      for (const sub of ['anyOf', 'oneOf'] as const) {
        for (const o of (n[sub] as Record<string, unknown>[] | undefined) ?? []) walk(o);
      }
      if (n.items) walk(n.items as Record<string, unknown>);
    };
    walk(z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as never);
    const missing = [...keys].filter((k) => k.endsWith('(no description)'));
    expect(missing).toEqual([]);
    for (const k of keys)
      if (k !== 'type') expect(page).toMatch(new RegExp(`\`([\\w.\\[\\]]+\\.)?${k}\``));
  });
});
