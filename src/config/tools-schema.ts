import * as z from 'zod';

// The target keys for tool use and structured output. They are checked as config, before
// anything is sent: a broken JSON Schema in a tool definition would otherwise come back as a 400
// on every case of a paid run, or worse, be accepted and ignored by a lenient server.

/** OpenAI's rule for function names (Anthropic's is the same with a 64-character cap). */
export const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;
/** A target declaring more tools than this is a mistake; providers cap near here too (128). */
export const MAX_TOOLS = 128;
/** The agent loop's most model calls per case. */
export const MAX_AGENT_STEPS = 50;
/**
 * Model calls per case of an agent loop when the target does not say (`max_steps`): enough for a
 * few tool rounds, few enough that a model calling tools in circles costs little.
 */
export const DEFAULT_MAX_STEPS = 10;

const toolName = z
  .string()
  .regex(TOOL_NAME, 'must be 1 to 64 letters, digits, _ or -, as the providers require');

const jsonSchemaObject = z.record(z.string(), z.unknown(), {
  error: 'must be a JSON Schema object',
});

const tool = z
  .strictObject({
    type: z.literal('function', { message: 'must be "function"' }),
    function: z
      .strictObject({
        name: toolName.describe('the name the model calls it by'),
        description: z
          .string()
          .max(10_000)
          .optional()
          .describe('what the tool does, for the model'),
        parameters: jsonSchemaObject
          .optional()
          .describe('a JSON Schema of type object for the arguments (default: no arguments)'),
        strict: z.boolean().optional().describe('openai: ask for arguments that match exactly'),
      })
      .describe('the function: name, description, parameters'),
  })
  .superRefine((t, ctx) => {
    const p = t.function.parameters;
    if (p === undefined) return;
    if (p.type !== 'object') {
      ctx.addIssue({
        code: 'custom',
        path: ['function', 'parameters', 'type'],
        message: 'the arguments are a JSON object: the schema needs type: object',
      });
    }
    // Whether it compiles is checked after parsing (compile-tool-schemas.ts): ajv stays out of here.
  });

const toolChoice = z.union(
  [
    z.enum(['auto', 'none', 'required']),
    z.strictObject({
      type: z.literal('function'),
      function: z
        .strictObject({ name: toolName.describe('the tool the model must call') })
        .describe('the one tool to call'),
    }),
  ],
  { error: 'must be auto, none, required or {type: function, function: {name}}' },
);

const responseFormat = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('text') }),
  z.strictObject({ type: z.literal('json_object') }),
  z.strictObject({
    type: z.literal('json_schema'),
    json_schema: z
      .strictObject({
        name: toolName.describe('a name for the format'),
        description: z.string().optional().describe('what the answer is, for the model'),
        schema: jsonSchemaObject.optional().describe('the JSON Schema the answer must match'),
        strict: z.boolean().optional().describe('ask for an answer that matches exactly'),
      })
      .describe('the schema and its name'),
  }),
]);

/** The keys, spread into the openai and anthropic target schemas (not the judge's). */
export const toolKeys = {
  tools: z
    .array(tool)
    .max(MAX_TOOLS, `at most ${MAX_TOOLS} tools`)
    .optional()
    .describe('functions the model may call (OpenAI function-tool shape; anthropic translates)'),
  tool_choice: toolChoice
    .optional()
    .describe('auto, none, required, or {type: function, function: {name}} to force one tool'),
  response_format: responseFormat
    .optional()
    .describe('openai: structured output, e.g. {type: json_schema, json_schema: {name, schema}}'),
  max_steps: z
    .number()
    .int()
    .min(1)
    .max(MAX_AGENT_STEPS, `must be at most ${MAX_AGENT_STEPS}`)
    .optional()
    .describe(
      `model calls per case when the case has tool_results (an agent loop); 1 turns the loop off (default ${DEFAULT_MAX_STEPS})`,
    ),
};

interface ToolKeys {
  type: string;
  tools?: { function: { name: string } }[];
  tool_choice?: z.output<typeof toolChoice>;
  response_format?: unknown;
}

/** What depends on more than one key: unique names, a forced tool that exists, the dialect. */
export function checkToolKeys(t: ToolKeys, ctx: z.RefinementCtx): void {
  const names = new Set<string>();
  t.tools?.forEach((tool, i) => {
    if (names.has(tool.function.name)) {
      ctx.addIssue({
        code: 'custom',
        path: ['tools', i, 'function', 'name'],
        message: `"${tool.function.name}" is declared twice`,
      });
    }
    names.add(tool.function.name);
  });
  const choice = t.tool_choice;
  if (choice !== undefined && choice !== 'none' && !t.tools?.length) {
    ctx.addIssue({
      code: 'custom',
      path: ['tool_choice'],
      message: 'there are no tools to choose from: declare them under tools',
    });
  } else if (typeof choice === 'object' && !names.has(choice.function.name)) {
    ctx.addIssue({
      code: 'custom',
      path: ['tool_choice', 'function', 'name'],
      message: `"${choice.function.name}" is not one of the target's tools (${[...names].join(', ')})`,
    });
  }
  if (t.type === 'anthropic' && t.response_format !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['response_format'],
      message:
        'the anthropic dialect has no response_format; ask for JSON in the prompt or force a tool (tools + tool_choice), and score it with json_schema',
    });
  }
}

export type ToolDefinition = z.output<typeof tool>;
export type ToolChoice = z.output<typeof toolChoice>;
export type ResponseFormat = z.output<typeof responseFormat>;
