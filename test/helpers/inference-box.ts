import type http from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { seededDraw } from './burst-endpoint.js';
import { type Loopback, openAiReply, startLoopback } from './loopback.js';
import { afterThisTest } from './per-test.js';
import { openAiStream } from './sse-endpoint.js';

// A single inference box, as self-hosted teams run one (vLLM, TGI): it works on at most `slots`
// requests at a time and queues the rest first come, first served, whichever model they name.
// Its server-side time per request is seeded, so the same case costs the same on every run; what
// a client then measures on top of it is the client's doing.

export interface BoxOptions {
  seed: number;
  /** Requests served at once; the rest wait in arrival order. */
  slots: number;
  /** Median server-side time of a case, in ms. */
  medianMs: number;
  /** Spread of the cases' times (σ of their logarithm): some prompts are much longer. */
  caseSpread?: number;
  /** Spread of one model's time on one case around the case's time (σ of its logarithm). */
  callSpread?: number;
  /** Answer as an SSE stream: the first token after `prefill` of the time, the rest after. */
  stream?: boolean;
}

/** A standard normal draw from two seeded uniforms (Box–Muller). */
function seededNormal(seed: number, key: string): number {
  const u = seededDraw(seed, `${key}\0u`);
  const v = seededDraw(seed, `${key}\0v`);
  return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
}

/** The share of a streamed request's time spent before its first token. */
const PREFILL = 0.4;

export async function startInferenceBox(o: BoxOptions): Promise<Loopback> {
  const waiting: (() => void)[] = [];
  let busy = 0;
  const acquire = () =>
    new Promise<void>((resolve) => {
      if (busy < o.slots) {
        busy++;
        resolve();
      } else waiting.push(resolve);
    });
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else busy--;
  };
  const serviceMs = (model: string, input: string) => {
    const perCase = (o.caseSpread ?? 0.5) * seededNormal(o.seed, input);
    const perCall = (o.callSpread ?? 0.1) * seededNormal(o.seed, `${model}\0${input}`);
    return o.medianMs * Math.exp(perCase + perCall);
  };
  const answer = async (body: string, res: http.ServerResponse) => {
    const req = JSON.parse(body) as { model: string; messages: { content: string }[] };
    const input = req.messages.at(-1)?.content ?? '';
    const ms = serviceMs(req.model, input);
    const text = input.replace(/^q/, 'a');
    await acquire();
    try {
      if (!o.stream) {
        await delay(ms);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(openAiReply(text)));
        return;
      }
      await delay(ms * PREFILL);
      // The role chunk and the first piece of text leave together; the rest after decoding.
      const events = openAiStream([text, ' done']).split('\n\n');
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`${events.slice(0, 2).join('\n\n')}\n\n`);
      await delay(ms * (1 - PREFILL));
      res.end(events.slice(2).join('\n\n'));
    } finally {
      release();
    }
  };
  return startLoopback((req, res) => answer(req.body, res));
}

/** An inference box that lives as long as the current test. */
export async function boxForTest(o: BoxOptions): Promise<Loopback> {
  const box = await startInferenceBox(o);
  afterThisTest(() => box.close());
  return box;
}
