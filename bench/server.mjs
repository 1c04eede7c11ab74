// A minimal OpenAI-compatible endpoint with a fixed latency, for the benchmark. It runs in its own
// process so its CPU is not charged to evalgate. Prints its base URL on stdout when listening.
//
// It speaks just enough HTTP/1.1 over raw sockets (keep-alive, Content-Length bodies, requests
// in order) for the client under test, which is the real node:http stack. Node's own HTTP server
// spent about as much CPU per request as the client does; on a 2-core machine that competition
// for the cores, not the client, decided how late replies came back.
//
// Every reply goes out as close to `latency` ms after its request arrived as the process can
// manage, and never sooner. One timer per request would fire up to a loop iteration late (Node
// arms timers from the loop's cached clock), adding a millisecond or more to every call and
// charging the endpoint's sloppiness to the client being measured. Since the latency is fixed,
// replies fall due in arrival order: one queue, one timer armed for its head.
import net from 'node:net';

const latency = Number(process.argv[2] ?? 50);
// `agent`: play a one-tool agent. A request without a tool turn gets a tool call, one with a
// tool result gets the answer, so every case of an agent golden set takes two model calls.
const agent = process.argv[3] === 'agent';
const TOOL_TURN = Buffer.from('"role":"tool"');
const body = Buffer.from(
  JSON.stringify({
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: 'The answer is 42.' },
        finish_reason: 'stop',
      },
    ],
    usage: { prompt_tokens: 20, completion_tokens: 6 },
  }),
);
/** The whole HTTP response for a JSON body, written in one go. */
const httpResponse = (json) =>
  Buffer.concat([
    Buffer.from(
      `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${json.length}\r\nconnection: keep-alive\r\n\r\n`,
    ),
    json,
  ]);
const response = httpResponse(body);
const toolCall = Buffer.from(
  JSON.stringify({
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'add', arguments: '{"a":40,"b":2}' },
            },
          ],
        },
        finish_reason: 'tool_calls',
      },
    ],
    usage: { prompt_tokens: 30, completion_tokens: 12 },
  }),
);
const callResponse = httpResponse(toolCall);
const HEADER_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = /\r\ncontent-length:\s*(\d+)/i;

/**
 * When the first request since the last question came in and when the last reply went out (ms
 * since the epoch): the bench asks on stdin, before a run (to start afresh) and after it.
 */
let lastReplyAt = 0;
let firstRequestAt = 0;
process.stdin.on('data', () => {
  process.stdout.write(
    `${JSON.stringify({ first_request_ms: firstRequestAt, last_reply_ms: lastReplyAt })}\n`,
  );
  firstRequestAt = 0;
});

/** Replies waiting for their moment, in the order they fall due. */
const due = [];
let head = 0;
let armed = false;

function release() {
  armed = false;
  const now = performance.now();
  while (head < due.length && due[head].at <= now) {
    const { socket, reply } = due[head];
    due[head++] = undefined;
    if (!socket.destroyed) socket.write(reply);
    lastReplyAt = performance.timeOrigin + now;
  }
  if (head === due.length) {
    due.length = 0;
    head = 0;
    return;
  }
  if (head > 1024) {
    due.splice(0, head);
    head = 0;
  }
  arm(now);
}

function arm(now) {
  if (armed) return;
  armed = true;
  const wait = due[head].at - now;
  // Under a millisecond to go: a timer could not wait that little, so check again next turn.
  if (wait < 1) setImmediate(release);
  else setTimeout(release, Math.floor(wait));
}

const server = net.createServer((socket) => {
  socket.setNoDelay(true);
  let pending = Buffer.alloc(0);
  socket.on('data', (chunk) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    // A whole request is its headers and Content-Length bytes of body; answer each in turn.
    for (;;) {
      const end = pending.indexOf(HEADER_END);
      if (end < 0) return;
      const m = CONTENT_LENGTH.exec(pending.toString('latin1', 0, end));
      const total = end + 4 + (m ? Number(m[1]) : 0);
      if (pending.length < total) return;
      const reply =
        agent && pending.subarray(end, total).indexOf(TOOL_TURN) < 0 ? callResponse : response;
      pending = pending.subarray(total);
      const now = performance.now();
      if (firstRequestAt === 0) firstRequestAt = performance.timeOrigin + now;
      due.push({ at: now + latency, socket, reply });
      arm(now);
    }
  });
  socket.on('error', () => socket.destroy());
});
server.listen(0, '127.0.0.1', () => console.log(`http://127.0.0.1:${server.address().port}/v1`));
