import type http from 'node:http';
import { onTestFinished } from 'vitest';
import {
  type ChatRequest,
  type FakeReply,
  type FakeServer,
  startFakeOpenAI,
} from './fake-openai.js';
import { type Loopback, startLoopback } from './loopback.js';

/** Releases something (a server, a transport, a temp folder) when the current test ends. */
export function afterThisTest(release: () => unknown): void {
  onTestFinished(async () => {
    await release();
  });
}

/** A loopback OpenAI-compatible server that lives as long as the current test. */
export async function serveForTest(
  reply: (req: ChatRequest, n: number) => FakeReply | Promise<FakeReply>,
): Promise<FakeServer> {
  const server = await startFakeOpenAI(reply);
  afterThisTest(() => server.close());
  return server;
}

/** What a scripted server does with one request: write the whole reply, however oddly. */
export type Script = (res: http.ServerResponse) => void | Promise<void>;

/** A loopback server answering request n with script n (the last script from then on). */
export async function scriptedServerForTest(scripts: Script[]): Promise<Loopback> {
  const server = await startLoopback((_req, res, n) =>
    scripts[Math.min(n, scripts.length) - 1]!(res),
  );
  afterThisTest(() => server.close());
  return server;
}
