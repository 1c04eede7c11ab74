import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeComment {
  id: number;
  body: string;
  user: { login: string; type: string };
}

export interface FakeGitHub {
  url: string;
  comments: FakeComment[];
  calls: { method: string; path: string }[];
  /** Answer every write with this status (e.g. 403 for a fork's read-only token). */
  failWritesWith?: number;
  close(): Promise<void>;
}

/**
 * The slice of the GitHub REST API the sticky comment uses — list (paginated with Link headers,
 * as GitHub does), create and update issue comments — served on loopback for the real Octokit.
 */
export async function startFakeGitHub(perPage = 30): Promise<FakeGitHub> {
  const state: FakeGitHub = {
    url: '',
    comments: [],
    calls: [],
    close: async () => {},
  };
  let nextId = 1000;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => {
      raw += c;
    });
    req.on('end', () => {
      const url = new URL(req.url ?? '/', state.url);
      state.calls.push({ method: req.method ?? '', path: url.pathname + url.search });
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      };
      const list = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/.exec(url.pathname);
      const one = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/.exec(url.pathname);
      if (list && req.method === 'GET') {
        const page = Number(url.searchParams.get('page') ?? 1);
        const size = Math.min(perPage, Number(url.searchParams.get('per_page') ?? perPage));
        const slice = state.comments.slice((page - 1) * size, page * size);
        const headers: Record<string, string> = {};
        if (page * size < state.comments.length) {
          const next = new URL(url);
          next.searchParams.set('page', String(page + 1));
          headers.link = `<${next.toString()}>; rel="next"`;
        }
        send(200, slice, headers);
        return;
      }
      if ((list && req.method === 'POST') || (one && req.method === 'PATCH')) {
        if (state.failWritesWith) {
          send(state.failWritesWith, { message: 'Resource not accessible by integration' });
          return;
        }
        const { body } = JSON.parse(raw) as { body: string };
        if (list) {
          const c = { id: nextId++, body, user: { login: 'github-actions[bot]', type: 'Bot' } };
          state.comments.push(c);
          send(201, c);
        } else {
          const c = state.comments.find((x) => x.id === Number(one![3]));
          if (!c) return send(404, { message: 'Not Found' });
          c.body = body;
          send(200, c);
        }
        return;
      }
      send(404, { message: 'Not Found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}
