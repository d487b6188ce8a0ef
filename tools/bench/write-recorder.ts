import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One learner's email as Smart Assessor took it: when it answered the PATCH (ms since the epoch), and the value. */
export interface EmailWrite {
  at: number;
  saLearnerId: string;
  email: string;
}

export interface WriteRecorder {
  /** The Smart Assessor API root to give the pipeline: this proxy's. */
  readonly baseUrl: string;
  /** Every learner email written, in the order Smart Assessor answered. */
  readonly writes: EmailWrite[];
  close(): Promise<void>;
}

const LEARNER_PATCH = /^\/api\/v1\/learners\/([^/?]+)$/;

/**
 * A pass-through HTTP proxy in front of the simulator that notes the moment Smart
 * Assessor answered each learner PATCH carrying an email: the live bench's "the change is
 * in Smart Assessor". Everything else passes untouched (the rate limit's headers too).
 */
export async function startWriteRecorder(target: { host: string; port: number }): Promise<WriteRecorder> {
  const writes: EmailWrite[] = [];
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const forward = http.request({ host: target.host, port: target.port, method: request.method, path: request.url, headers: request.headers, agent }, (answer) => {
        const patched = request.method === 'PATCH' ? LEARNER_PATCH.exec(request.url ?? '') : null;
        if (patched && answer.statusCode !== undefined && answer.statusCode < 300) {
          const email = (JSON.parse(body.toString('utf8') || '{}') as { email?: unknown }).email;
          if (typeof email === 'string') writes.push({ at: Date.now(), saLearnerId: decodeURIComponent(patched[1]), email });
        }
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      });
      forward.on('error', () => {
        if (!response.headersSent) response.writeHead(502);
        response.end();
      });
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/api/v1`,
    writes,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
