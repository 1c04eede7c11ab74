import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/dataset/load.js';
import { tempDir } from '../dataset/helpers.js';

// Every JSONL example in docs/golden-cases.md loads as written: a reader copies them.

const DOC = fileURLToPath(new URL('../../docs/golden-cases.md', import.meta.url));

describe('docs/golden-cases.md examples', () => {
  it('each JSONL case line loads, with the fields it shows', async () => {
    const lines = readFileSync(DOC, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('{"id"'));
    expect(lines.length).toBeGreaterThanOrEqual(5);
    const dir = tempDir({ 'examples.jsonl': lines.join('\n') });
    const { cases } = await loadDataset('examples.jsonl', dir);
    const byId = new Map(cases.map((c) => [c.id, c]));
    expect(byId.get('weather-2')).toMatchObject({
      input: 'And in Rome?',
      expected_tool_calls: [{ name: 'get_weather', arguments: { city: 'Rome' } }],
    });
    expect(byId.get('weather-2')!.messages).toHaveLength(5);
    expect(byId.get('refund-25')!.tool_results).toHaveLength(2);
    expect(byId.get('eiffel-1')).toMatchObject({ expected_sources: ['wiki/eiffel-tower'] });
    expect(byId.get('eiffel-1')!.context).toHaveLength(2);
  });
});
