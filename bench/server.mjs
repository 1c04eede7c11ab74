// A minimal OpenAI-compatible endpoint with a fixed latency, for the benchmark. It runs in its own
// process so its CPU is not charged to evalgate. Prints its base URL on stdout when listening.
import http from 'node:http';

const latency = Number(process.argv[2] ?? 50);
const reply = JSON.stringify({
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: 'The answer is 42.' },
      finish_reason: 'stop',
    },
  ],
  usage: { prompt_tokens: 20, completion_tokens: 6 },
});
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    setTimeout(() => {
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(reply),
      });
      res.end(reply);
    }, latency);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => console.log(`http://127.0.0.1:${server.address().port}/v1`));
