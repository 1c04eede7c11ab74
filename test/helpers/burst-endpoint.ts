import { setTimeout as delay } from 'node:timers/promises';
import { type ChatRequest, type FakeReply, userText } from './fake-openai.js';

/** FNV-1a to [0, 1): a fixed draw per (seed, key), the same on every run and in any order. */
export function seededDraw(seed: number, key: string): number {
  let h = 2166136261 ^ seed;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return (h >>> 0) / 2 ** 32;
}

export interface PartlyFailing {
  /** Whether the endpoint fails this input for this model (on every attempt). */
  fails(model: string, input: string): boolean;
  /** The fake's reply function (fake-openai.ts). */
  reply(req: ChatRequest): FakeReply | Promise<FakeReply>;
}

/**
 * An endpoint that fails a share `rate` of the inputs of the models `failing` picks, the way a
 * real one does: a 500 at once, while an answer (`q7` → `a7`) takes 20–40 ms. Which inputs fail
 * is drawn per (seed, model, input), so a retry does not rescue them and the same cases fail
 * whatever order the calls arrive in.
 */
export function partlyFailing(
  seed: number,
  rate: number,
  failing: (model: string) => boolean = () => true,
): PartlyFailing {
  const fails = (model: string, input: string) =>
    failing(model) && seededDraw(seed, `${model}\0${input}`) < rate;
  return {
    fails,
    async reply(req) {
      const input = userText(req);
      if (fails(req.model, input)) return { status: 500, body: '<h1>Internal Server Error</h1>' };
      await delay(20 + 20 * seededDraw(seed, `${req.model}\0${input}\0latency`));
      return input.replace(/^q/, 'a');
    },
  };
}
