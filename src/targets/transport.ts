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
  /**
   * Asked once the status line and headers are in: a sink returned here receives the body chunk
   * by chunk as it arrives (a stream) and the body is not buffered; `body` is then ''. A sink
   * that throws ends the request with that error.
   */
  consume?: (status: number, headers: http.IncomingHttpHeaders) => BodySink | undefined;
}

export type BodySink = (chunk: Buffer) => void;

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * A failure below HTTP: no status line came back, or the connection broke while reading
 * (`stream_cut` when what broke was a stream a sink was consuming).
 */
export class TransportError extends Error {
  constructor(
    readonly kind: 'timeout' | 'network' | 'aborted' | 'stream_cut',
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
        const fail = (err: Error) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          req.signal?.removeEventListener('abort', onAbort);
          request.destroy();
          reject(err);
        };
        let request: http.ClientRequest;
        try {
          request = (isHttps ? https : http).request(
            req.url,
            { method: req.method, headers, agent: isHttps ? httpsAgent : httpAgent },
            onResponse,
          );
        } catch (e) {
          // node:http throws, not emits, on what it cannot send (ERR_INVALID_PROTOCOL, a header
          // with a newline): a failed call like any other, never an exception that escapes the run.
          settled = true;
          const err = e as NodeJS.ErrnoException;
          reject(
            new TransportError(
              'network',
              `the request could not be sent (${err.code ?? 'invalid request'}: ${err.message})`,
            ),
          );
          return;
        }
        function onResponse(res: http.IncomingMessage) {
          const status = res.statusCode ?? 0;
          let sink: BodySink | undefined;
          try {
            sink = req.consume?.(status, res.headers);
          } catch (e) {
            fail(e as Error);
            return;
          }
          const chunks: Buffer[] = [];
          let received = 0;
          if (sink) {
            const into = sink;
            res.on('data', (c: Buffer) => {
              if (settled) return;
              received += c.length;
              try {
                into(c);
              } catch (e) {
                fail(e as Error);
              }
            });
          } else res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            req.signal?.removeEventListener('abort', onAbort);
            resolve({
              status,
              headers: res.headers,
              body: sink ? '' : Buffer.concat(chunks).toString('utf8'),
            });
          });
          // A stream that breaks is its own kind: the answer so far is a fragment, not a reply.
          const broke = (detail: string) =>
            sink
              ? new TransportError(
                  'stream_cut',
                  `the stream broke off after ${received} bytes (${detail})`,
                )
              : new TransportError('network', detail);
          res.on('error', (e) => fail(broke(`connection broke while reading: ${e.message}`)));
          res.on('aborted', () => fail(broke('connection closed mid-response')));
        }
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
