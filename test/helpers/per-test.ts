import { onTestFinished } from 'vitest';
import {
  type ChatRequest,
  type FakeReply,
  type FakeServer,
  startFakeOpenAI,
} from './fake-openai.js';

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
