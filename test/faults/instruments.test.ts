import { expect } from 'chai';
import net from 'node:net';
import pg from 'pg';
import { Redis } from 'ioredis';
import { startOwnRedis, type OwnRedisServer } from '../support/redis-server.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { testDatabaseUrl, testDataSource } from '../support/database.js';
import { differences } from './support/end-state.js';
import { waitFor } from './support/wait.js';

/** The fault tools themselves: each must break the path the way the suite relies on. */
describe('fault instruments', function () {
  describe('TCP proxy', () => {
    let proxy: TcpProxy;

    before(async () => {
      await testDataSource();
      proxy = await startTcpProxy({ targetPort: Number(new URL(testDatabaseUrl()).port || 5432) });
    });
    after(async () => {
      await proxy?.close();
    });

    async function select(url: string): Promise<number> {
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
      client.on('error', () => undefined);
      try {
        await client.connect();
        const { rows } = await client.query('SELECT 41 + 1 AS answer');
        return rows[0].answer as number;
      } finally {
        await client.end().catch(() => undefined);
      }
    }

    it('passes queries through, refuses connections while cut, and passes them again once restored', async () => {
      const url = proxy.through(testDatabaseUrl());
      expect(await select(url)).to.equal(42);

      await proxy.refuse();
      const refused = await select(url).then(
        () => null,
        (error: NodeJS.ErrnoException) => error.code,
      );
      expect(refused).to.equal('ECONNREFUSED');

      await proxy.restore();
      expect(await select(url)).to.equal(42);
    });

    it('resets an open connection: the client hears of it instead of hanging', async () => {
      const client = new pg.Client({ connectionString: proxy.through(testDatabaseUrl()) });
      const errors: Error[] = [];
      client.on('error', (error) => errors.push(error));
      await client.connect();
      try {
        await waitFor('the proxy to hold the connection', () => proxy.openConnections > 0, 5_000);
        proxy.resetConnections();
        const failed = await client.query('SELECT pg_sleep(0)').then(
          () => false,
          () => true,
        );
        expect(failed || errors.length > 0).to.equal(true);
      } finally {
        await client.end().catch(() => undefined);
      }
    });

    it('holds bytes back while delayed and keeps their order', async () => {
      const echo = net.createServer((socket) => {
        // The proxy resets its side when it closes.
        socket.on('error', () => undefined);
        socket.pipe(socket);
      });
      await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
      const echoProxy = await startTcpProxy({ targetPort: (echo.address() as net.AddressInfo).port });
      try {
        echoProxy.delay(150);
        const socket = net.connect(echoProxy.port, '127.0.0.1');
        socket.on('error', () => undefined);
        let received = '';
        socket.on('data', (chunk) => (received += chunk.toString()));
        await new Promise((resolve) => socket.once('connect', resolve));
        const sent = performance.now();
        for (const part of ['a', 'b', 'c', 'd']) socket.write(part);
        await waitFor('the echo to come back', () => received.length === 4, 5_000, 5);
        // A lower bound only: the proxy guarantees the hold; a slow machine can only add to it.
        expect(performance.now() - sent).to.be.at.least(2 * 150 - 5);
        expect(received).to.equal('abcd');
        socket.destroy();
      } finally {
        await echoProxy.close();
        await new Promise<void>((resolve) => echo.close(() => resolve()));
      }
    });
  });

  describe('own redis-server', () => {
    let aof: OwnRedisServer | undefined;
    let memoryOnly: OwnRedisServer | undefined;

    after(async () => {
      await aof?.close();
      await memoryOnly?.close();
    });

    async function roundTrip(server: OwnRedisServer, write: boolean): Promise<string | null> {
      const client = new Redis(server.url, { maxRetriesPerRequest: 1 });
      try {
        if (write) await client.set('instrument:key', 'kept');
        return await client.get('instrument:key');
      } finally {
        client.disconnect();
      }
    }

    it('keeps every acknowledged write across a crash with AOF, and loses them all without persistence', async () => {
      aof = await startOwnRedis({ persistence: 'aof' });
      memoryOnly = await startOwnRedis({ persistence: 'none' });
      expect(await roundTrip(aof, true)).to.equal('kept');
      expect(await roundTrip(memoryOnly, true)).to.equal('kept');

      await aof.restart('SIGKILL');
      await memoryOnly.restart('SIGKILL');

      expect(await roundTrip(aof, false)).to.equal('kept');
      expect(await roundTrip(memoryOnly, false)).to.equal(null);
    });
  });

  describe('end-state comparison', () => {
    it('names every record missing, added or changed', () => {
      const expected = { learner: { L1: { email: 'a@example.org', phone: null } }, SA: { lrn1: { courses: { A1: { status: 'InTraining' } } } } };
      const actual = {
        learner: { L1: { email: 'b@example.org', phone: null }, 'L1 (duplicate 2)': { email: 'a@example.org', phone: null } },
        SA: { lrn1: { courses: {} } },
      };
      expect(differences(expected, actual)).to.deep.equal([
        '/learner/L1/email: "a@example.org" → "b@example.org"',
        '/learner/L1 (duplicate 2): unexpected {"email":"a@example.org","phone":null}',
        '/SA/lrn1/courses/A1: missing (expected {"status":"InTraining"})',
      ]);
      expect(differences(expected, structuredClone(expected))).to.deep.equal([]);
    });
  });
});
