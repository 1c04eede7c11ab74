import { GOLDEN_TEXT } from '../../src/cli/init-files.js';
import { type Loopback, openAiReply, sendJson, startLoopback } from './loopback.js';

// One loopback server that answers the cases `evalgate init` writes, in each provider's
// dialect: OpenAI chat completions, Anthropic messages, and the `http` template's own app shape.

const ANSWERS = new Map(
  GOLDEN_TEXT.trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { input: string; expected: string })
    .map((c) => [c.input, `${c.expected}.`]),
);

const answer = (question: unknown) => ANSWERS.get(String(question)) ?? 'I do not know.';
const lastMessage = (body: string) =>
  (JSON.parse(body) as { messages: { content: unknown }[] }).messages.at(-1)?.content;

export async function startInitEndpoint(): Promise<Loopback> {
  return startLoopback((req, res) => {
    if (req.path.endsWith('/chat/completions')) {
      sendJson(res, openAiReply(answer(lastMessage(req.body))));
    } else if (req.path.endsWith('/messages')) {
      sendJson(res, {
        content: [{ type: 'text', text: answer(lastMessage(req.body)) }],
        usage: { input_tokens: 12, output_tokens: 3 },
      });
    } else if (req.path.endsWith('/answer')) {
      sendJson(res, { answer: answer((JSON.parse(req.body) as { question: unknown }).question) });
    } else {
      sendJson(res, { error: `no route ${req.path}` }, 404);
    }
  });
}

/** The environment that points each provider's generated config at `server`, keys included. */
export function initEndpointEnv(server: Loopback): NodeJS.ProcessEnv {
  return {
    OPENAI_BASE_URL: `${server.url}/v1`,
    OPENAI_API_KEY: 'sk-loopback-openai',
    ANTHROPIC_BASE_URL: server.url,
    ANTHROPIC_API_KEY: 'sk-loopback-anthropic',
    APP_BASELINE_URL: `${server.url}/answer`,
    APP_CANDIDATE_URL: `${server.url}/answer`,
  };
}
