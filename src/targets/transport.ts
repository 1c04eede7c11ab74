import http from 'node:http';
import https from 'node:https';

// node:http with a keep-alive agent instead of fetch: at thousands of calls per run the CPU cost
// per call decides whether the run keeps up with the endpoint on a 2-core runner (fetch costs
// roughly 3-4x more CPU per call here).

export interface HttpRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A failure below HTTP: no status line came back. */
export class TransportError extends Error {
  constructor(
    readonly kind: 'timeout' | 'network' | 'aborted',
    message: string,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

export interface Transport {
  send(req: HttpRequest): Promise<HttpResponse>;
  close(): void;
}

export function createTransport(maxSockets: number): Transport {
  const options = {
    keepAlive: true,
    maxSockets,
    maxFreeSockets: maxSockets,
    scheduling: 'lifo' as const,
  };
  const httpAgent = new http.Agent(options);
  const httpsAgent = new https.Agent(options);

  return {
    send(req) {
      return new Promise<HttpResponse>((resolve, reject) => {
        if (req.signal?.aborted) {
          reject(new TransportError('aborted', 'the run was cancelled'));
          return;
        }
        const isHttps = req.url.protocol === 'https:';
        const headers: Record<string, string | number> = { ...req.headers };
        if (req.body !== undefined) headers['content-length'] = Buffer.byteLength(req.body);
        let settled = false;
        const fail = (err: TransportError) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          req.signal?.removeEventListener('abort', onAbort);
          request.destroy();
          reject(err);
        };
        const request = (isHttps ? https : http).request(
          req.url,
          { method: req.method, headers, agent: isHttps ? httpsAgent : httpAgent },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              if (settled) return;
              settled = true;
              clearTimeout(timer);
              req.signal?.removeEventListener('abort', onAbort);
              resolve({
                status: res.statusCode ?? 0,
                headers: res.headers,
                body: Buffer.concat(chunks).toString('utf8'),
              });
            });
            res.on('error', (e) =>
              fail(new TransportError('network', `connection broke while reading: ${e.message}`)),
            );
            res.on('aborted', () =>
              fail(new TransportError('network', 'connection closed mid-response')),
            );
          },
        );
        const timer = setTimeout(
          () =>
            fail(new TransportError('timeout', `no complete response within ${req.timeoutMs} ms`)),
          req.timeoutMs,
        );
        const onAbort = () => fail(new TransportError('aborted', 'the run was cancelled'));
        req.signal?.addEventListener('abort', onAbort, { once: true });
        request.on('error', (e: NodeJS.ErrnoException) =>
          fail(new TransportError('network', `${e.code ?? 'network error'}: ${e.message}`)),
        );
        request.end(req.body);
      });
    },
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}
