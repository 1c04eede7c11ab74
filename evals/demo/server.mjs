// A local, OpenAI-compatible simulated endpoint for the demo and the dogfooding workflow.
// It knows the demo golden set, and answers like two model versions would:
//   demo-v1  answers about 90% of tickets correctly.
//   demo-v2  is the same model with a "new prompt" that broke billing: on billing tickets it is
//            right only about 40% of the time; everywhere else it behaves exactly like demo-v1.
// Usage: node evals/demo/server.mjs [--port 8787]   (prints the base URL, then serves)
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { fileURLToPath } from 'node:url';

const golden = new Map();
for (const line of readFileSync(new URL('./golden.jsonl', import.meta.url), 'utf8').split('\n')) {
  if (!line.trim()) continue;
  const c = JSON.parse(line);
  golden.set(c.input, c);
}

/** A deterministic number in [0, 1) from a string, so every run of the demo tells the same story. */
function unit(s) {
  return createHash('sha256').update(s).digest().readUInt32BE(0) / 2 ** 32;
}

const tokens = (text) => Math.max(1, Math.round(text.split(/\s+/).length * 1.3));

function answer(model, question) {
  const c = [...golden.values()].find((g) => question.includes(g.input));
  if (!c)
    return { text: "I'm sorry, I can only help with questions about your account.", delay: 15 };
  const isBilling = c.tags.includes('billing');
  const luck = unit(`answer:${c.id}`);
  const right = model === 'demo-v2' && isBilling ? luck < 0.4 : luck < 0.9;
  const text = right
    ? `Sure! ${c.expected}. Let me know if there is anything else I can help with.`
    : "I'm not sure about that one. Please contact our support team and they will help you.";
  // The same case costs about the same time on both versions, plus a little noise per version.
  const delay = 10 + 25 * unit(`latency:${c.id}`) + 4 * unit(`jitter:${model}:${c.id}`);
  return { text, delay };
}

export function startDemoServer(port = 0) {
  const server = http.createServer((req, res) => {
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'not found' } }));
      return;
    }
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      let request;
      try {
        request = JSON.parse(body);
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'invalid JSON' } }));
        return;
      }
      const prompt = request.messages.map((m) => m.content).join('\n');
      const { text, delay } = answer(request.model, prompt);
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            id: 'chatcmpl-demo',
            object: 'chat.completion',
            model: request.model,
            choices: [
              { index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' },
            ],
            usage: {
              prompt_tokens: tokens(prompt),
              completion_tokens: tokens(text),
              total_tokens: 0,
            },
          }),
        );
      }, delay);
    });
  });
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => {
      const { port: actual } = server.address();
      resolve({
        url: `http://127.0.0.1:${actual}/v1`,
        close: () => new Promise((r) => server.close(r)),
      });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--port');
  const { url } = await startDemoServer(i > 0 ? Number(process.argv[i + 1]) : 8787);
  console.log(url);
}
