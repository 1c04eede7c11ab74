import { describe, expect, it } from 'vitest';
import {
  buildMessages,
  inputAsText,
  placeholders,
  renderTemplate,
  TemplateError,
} from '../../src/targets/template.js';
import type { GoldenCase } from '../../src/types.js';

function golden(over: Partial<GoldenCase> = {}): GoldenCase {
  return {
    id: 'refund-17',
    input: 'Can I get a refund?',
    expected: 'Yes, within 30 days',
    tags: ['billing'],
    vars: { plan: 'pro', seats: 3, trial: false, limits: { max: 2 } },
    metadata: { lang: 'en' },
    assert: [],
    source: { file: 'golden.jsonl', line: 17 },
    ...over,
  };
}

describe('renderTemplate', () => {
  it('fills input, expected, id, vars and metadata', () => {
    expect(
      renderTemplate(
        '[{{id}}] {{input}} / {{expected}} / {{vars.plan}} / {{metadata.lang}}',
        golden(),
      ),
    ).toBe('[refund-17] Can I get a refund? / Yes, within 30 days / pro / en');
  });

  it('allows spaces inside the braces', () => {
    expect(renderTemplate('{{ input }}|{{  vars.plan}}', golden())).toBe('Can I get a refund?|pro');
  });

  it('writes numbers and booleans as text and objects as JSON', () => {
    expect(renderTemplate('{{vars.seats}} {{vars.trial}} {{vars.limits}}', golden())).toBe(
      '3 false {"max":2}',
    );
    expect(renderTemplate('{{expected}}', golden({ expected: ['a', 'b'] }))).toBe('["a","b"]');
  });

  it('leaves text without placeholders, and single braces, alone', () => {
    expect(renderTemplate('Answer briefly. {not a placeholder} {{ }}', golden())).toBe(
      'Answer briefly. {not a placeholder} {{ }}',
    );
  });

  it('does not HTML-escape anything', () => {
    const c = golden({ input: '<b>Tom & "Jerry"</b> it\'s' });
    expect(renderTemplate('Q: {{input}}', c)).toBe('Q: <b>Tom & "Jerry"</b> it\'s');
  });

  it('inserts values literally: no $-patterns, no second pass over inserted text', () => {
    const c = golden({ input: 'costs $& and $1 {{expected}}', vars: { x: '$$' } });
    expect(renderTemplate('{{input}} {{vars.x}}', c)).toBe('costs $& and $1 {{expected}} $$');
  });

  it('renders the given input text in place of the case input', () => {
    expect(renderTemplate('>{{input}}', golden(), 'last user turn')).toBe('>last user turn');
  });

  it('a placeholder the case cannot fill is a TemplateError naming it and the case', () => {
    const c = golden({ vars: {} });
    expect(() => renderTemplate('Plan: {{vars.plan}}', c)).toThrow(TemplateError);
    expect(() => renderTemplate('Plan: {{vars.plan}}', c)).toThrow(
      '{{vars.plan}} has no value for case "refund-17"',
    );
    expect(() => renderTemplate('{{metadata.region}}', c)).toThrow(/\{\{metadata\.region\}\}/);
    expect(() => renderTemplate('{{expected}}', golden({ expected: undefined }))).toThrow(
      TemplateError,
    );
    expect(() => renderTemplate('{{vars.plan}}', golden({ vars: { plan: null } }))).toThrow(
      TemplateError,
    );
  });

  it('an unknown placeholder says what is available', () => {
    expect(() => renderTemplate('{{question}}', golden())).toThrow(
      'unknown placeholder {{question}}; use input, expected, vars.<name> or metadata.<name>',
    );
    expect(() => renderTemplate('{{tags.0}}', golden())).toThrow(/unknown placeholder/);
  });

  it('empty strings and zero are values, not missing', () => {
    expect(renderTemplate('[{{vars.a}}][{{vars.b}}]', golden({ vars: { a: '', b: 0 } }))).toBe(
      '[][0]',
    );
  });
});

describe('placeholders', () => {
  it('lists the names a template uses, in order', () => {
    expect(placeholders('{{input}} {{ vars.plan }} {{metadata.lang}} {{input}}')).toEqual([
      'input',
      'vars.plan',
      'metadata.lang',
      'input',
    ]);
    expect(placeholders('no placeholders here')).toEqual([]);
  });
});

describe('inputAsText', () => {
  it('is the string itself, or the last user turn of a chat', () => {
    expect(inputAsText('hi')).toBe('hi');
    expect(
      inputAsText([
        { role: 'user', content: 'first' },
        { role: 'assistant', content: 'reply' },
        { role: 'user', content: 'second' },
        { role: 'assistant', content: 'trailing' },
      ]),
    ).toBe('second');
    expect(inputAsText([{ role: 'system', content: 'only system' }])).toBe('only system');
  });
});

describe('buildMessages', () => {
  it('a string input without a prompt is sent as it is', () => {
    expect(buildMessages(golden(), undefined, undefined)).toEqual([
      { role: 'user', content: 'Can I get a refund?' },
    ]);
  });

  it('a string input goes through the prompt; the system template comes first', () => {
    expect(
      buildMessages(golden(), 'Answer briefly.\n\n{{input}}', 'You help {{vars.plan}} users.'),
    ).toEqual([
      { role: 'system', content: 'You help pro users.' },
      { role: 'user', content: 'Answer briefly.\n\nCan I get a refund?' },
    ]);
  });

  it('a chat input is kept turn by turn, the prompt applied to its last user turn only', () => {
    const c = golden({
      input: [
        { role: 'system', content: 'from the case' },
        { role: 'user', content: 'first question' },
        { role: 'assistant', content: 'an answer' },
        { role: 'user', content: 'follow-up' },
      ],
    });
    expect(buildMessages(c, 'Q: {{input}} ({{vars.plan}})', 'S')).toEqual([
      { role: 'system', content: 'S' },
      { role: 'system', content: 'from the case' },
      { role: 'user', content: 'first question' },
      { role: 'assistant', content: 'an answer' },
      { role: 'user', content: 'Q: follow-up (pro)' },
    ]);
  });

  it('a chat input without a prompt is sent unchanged, even text that looks like a placeholder', () => {
    const input = [
      { role: 'user', content: 'what does {{vars.plan}} mean?' },
      { role: 'assistant', content: '<i>it</i> & more' },
    ];
    expect(buildMessages(golden({ input }), undefined, undefined)).toEqual(input);
  });

  it('the input is not re-rendered when it contains braces', () => {
    const c = golden({ input: 'literally {{vars.missing}}' });
    expect(buildMessages(c, '{{input}}', undefined)).toEqual([
      { role: 'user', content: 'literally {{vars.missing}}' },
    ]);
  });

  it('a placeholder the case cannot fill throws, whether in the prompt or the system', () => {
    const c = golden({ vars: {} });
    expect(() => buildMessages(c, '{{vars.plan}}: {{input}}', undefined)).toThrow(TemplateError);
    expect(() => buildMessages(c, undefined, 'Plan {{vars.plan}}')).toThrow(TemplateError);
    expect(() =>
      buildMessages(
        golden({ vars: {}, input: [{ role: 'user', content: 'x' }] }),
        '{{vars.plan}}',
        undefined,
      ),
    ).toThrow(/\{\{vars\.plan\}\} has no value for case "refund-17"/);
  });
});
