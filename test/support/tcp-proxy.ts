import net from 'node:net';
import { once } from 'node:events';

/**
 * A TCP proxy on 127.0.0.1 between the code under test and one service (PostgreSQL,
 * Smart Assessor), so a test can break the path without touching the service: refuse
 * new connections, reset the open ones, or hold every byte back for a while.
 */
export interface TcpProxy {
  readonly host: string;
  readonly port: number;
  /** Open client connections. */
  readonly openConnections: number;
  /** Connections accepted and passed on since the proxy started. */
  readonly accepted: number;
  /** `url` with its host and port replaced by the proxy's (the way to point a client at it). */
  through(url: string): string;
  /** Stops listening (new connections are refused) and resets every open one, until `restore`. */
  refuse(): Promise<void>;
  /** Resets every open connection now (the peer sees ECONNRESET); new ones are still accepted. */
  resetConnections(): void;
  /** Every chunk, both ways, is passed on `ms` later than it arrived (order kept). 0 turns it off. */
  delay(ms: number): void;
  /** Listens again (on the same port) and passes bytes without delay. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

export interface TcpProxyOptions {
  targetHost?: string;
  targetPort: number;
  /** 0 (the default) picks a free port. */
  port?: number;
}

/** Forwards `from` to `to`, each chunk `delayMs()` after it arrived, in arrival order. */
function forward(from: net.Socket, to: net.Socket, delayMs: () => number): void {
  const queue: Array<{ chunk: Buffer; due: number }> = [];
  let timer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    timer = undefined;
    const now = Date.now();
    while (queue.length > 0 && queue[0].due <= now) {
      if (!to.destroyed) to.write(queue.shift()!.chunk);
      else queue.shift();
    }
    if (queue.length > 0) timer = setTimeout(flush, queue[0].due - now);
    else if (from.readableEnded && !to.destroyed) to.end();
  };
  from.on('data', (chunk: Buffer) => {
    const wait = delayMs();
    if (wait <= 0 && queue.length === 0) {
      to.write(chunk);
      return;
    }
    queue.push({ chunk, due: Date.now() + wait });
    timer ??= setTimeout(flush, wait);
  });
  from.on('end', () => {
    if (queue.length === 0 && !to.destroyed) to.end();
  });
  from.on('close', () => {
    if (timer && to.destroyed) clearTimeout(timer);
  });
}

export async function startTcpProxy(options: TcpProxyOptions): Promise<TcpProxy> {
  const targetHost = options.targetHost ?? '127.0.0.1';
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();
  let delayMs = 0;
  let accepted = 0;
  let listening = false;

  const server = net.createServer((client) => {
    accepted += 1;
    const upstream = net.connect({ host: targetHost, port: options.targetPort });
    const pair = { client, upstream };
    pairs.add(pair);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    forward(client, upstream, () => delayMs);
    forward(upstream, client, () => delayMs);
    // One side failing or going away takes the other with it, as a broken path would.
    const drop = (): void => {
      pairs.delete(pair);
      if (!client.destroyed) client.destroy();
      if (!upstream.destroyed) upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });

  const listen = async (port: number): Promise<void> => {
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    listening = true;
  };
  await listen(options.port ?? 0);
  const port = (server.address() as net.AddressInfo).port;

  const resetConnections = (): void => {
    for (const { client, upstream } of pairs) {
      client.resetAndDestroy();
      upstream.resetAndDestroy();
    }
    pairs.clear();
  };

  const stopListening = async (): Promise<void> => {
    if (!listening) return;
    listening = false;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };

  return {
    host: '127.0.0.1',
    port,
    get openConnections() {
      return pairs.size;
    },
    get accepted() {
      return accepted;
    },
    through(url: string): string {
      const parsed = new URL(url);
      parsed.hostname = '127.0.0.1';
      parsed.port = String(port);
      return parsed.toString().replace(/\/$/, url.endsWith('/') ? '/' : '');
    },
    async refuse() {
      const closed = stopListening();
      resetConnections();
      await closed;
    },
    resetConnections,
    delay(ms: number) {
      delayMs = Math.max(0, ms);
    },
    async restore() {
      delayMs = 0;
      if (!listening) await listen(port);
    },
    async close() {
      const closed = stopListening();
      resetConnections();
      await closed;
    },
  };
}
