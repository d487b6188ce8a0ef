import { expect } from 'chai';
import { CLUSTER_NODES, parseRedisUrl, queueKeyPrefix, workerConnection } from '../../../queues/connection.js';
import { ConfigError, loadConfig } from '../../../src/config/environment.js';

describe('REDIS_URL: one server, a Sentinel set or a Cluster', function () {
  it('reads one server, with its credentials, database and TLS', function () {
    expect(parseRedisUrl('redis://cache.internal')).to.deep.equal({ topology: 'server', options: { host: 'cache.internal', port: 6379 } });
    expect(parseRedisUrl('rediss://app:s%40cret@[::1]:6380/3')).to.deep.equal({
      topology: 'server',
      options: { host: '::1', port: 6380, username: 'app', password: 's@cret', db: 3, tls: {} },
    });
  });

  it("reads a Sentinel set: its sentinels (26379 by default), the master, the database and the sentinels' own password", function () {
    const { topology, options } = parseRedisUrl('redis+sentinel://:data-pw@10.0.0.1,10.0.0.2:26380/mymaster/2?sentinelPassword=s%20pw');
    expect(topology).to.equal('sentinel');
    expect(options).to.include({ name: 'mymaster', password: 'data-pw', db: 2, sentinelPassword: 's pw', failoverDetector: true });
    expect(options.sentinels).to.deep.equal([
      { host: '10.0.0.1', port: 26379 },
      { host: '10.0.0.2', port: 26380 },
    ]);
    // A master demoted to a replica refuses writes: the client reconnects through the sentinels and sends again.
    const reconnect = options.reconnectOnError as (error: Error) => unknown;
    expect(reconnect(new Error("READONLY You can't write against a read only replica."))).to.equal(2);
    expect(reconnect(new Error('ERR something else'))).to.equal(false);
  });

  it('reads a Cluster: its startup nodes, carried in the options BullMQ copies', function () {
    const { topology, options } = parseRedisUrl('redis+cluster://h1:7000,h2:7001,h3');
    expect(topology).to.equal('cluster');
    expect((options as Record<symbol, unknown>)[CLUSTER_NODES]).to.deep.equal([
      { host: 'h1', port: 7000 },
      { host: 'h2', port: 7001 },
      { host: 'h3', port: 6379 },
    ]);
    expect((workerConnection('redis+cluster://h1:7000') as Record<symbol, unknown>)[CLUSTER_NODES]).to.deep.equal([{ host: 'h1', port: 7000 }]);
  });

  it('refuses what names nothing usable, saying what is wrong and never the password', function () {
    const cases: Array<[string, RegExp]> = [
      ['http://cache', /must start with redis:\/\/, rediss:\/\/, redis\+sentinel:\/\/ or redis\+cluster:\/\/, not http:\/\//],
      ['redis://h1:6379,h2:6379', /several hosts: use redis\+sentinel:\/\/ .* or redis\+cluster:\/\//],
      ['redis+sentinel://h1:26379', /master's name follows the sentinels/],
      ['redis+cluster://h1:7000/1', /Cluster, which has no database but 0/],
      ['redis://:secret@h1:99999', /port out of range: 99999/],
      ['redis://h1/zero', /database that is not a number: "zero"/],
      ['redis://', /names no host/],
      ['redis+cluster://h1?sentinelPassword=x', /takes no parameter "sentinelPassword"/],
    ];
    for (const [url, reason] of cases) {
      expect(() => parseRedisUrl(url), url).to.throw(reason);
      expect(() => parseRedisUrl(url), url).to.not.throw(/secret/);
    }
  });

  it('makes the queue prefix a hash tag on a Cluster only, and keeps one already given', function () {
    expect(queueKeyPrefix('redis+cluster://h1:7000', 'sai')).to.equal('{sai}');
    expect(queueKeyPrefix('redis+cluster://h1:7000', '{sai}-bench-12')).to.equal('{sai}-bench-12');
    expect(queueKeyPrefix('redis+sentinel://h1/mymaster', 'sai')).to.equal('sai');
    expect(queueKeyPrefix('redis://h1', 'sai')).to.equal('sai');
    expect(loadConfig({ REDIS_URL: 'redis+cluster://h1:7000,h2:7001' }).QUEUE_PREFIX).to.equal('{sai}');
  });

  it('is checked at start-up: a bad one is named with what is wrong, its password hidden', function () {
    let caught: unknown;
    try {
      loadConfig({ REDIS_URL: 'redis+sentinel://:hunter2@h1:26379' });
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(ConfigError);
    const error = caught as ConfigError;
    expect(error.problems.REDIS_URL).to.match(/master's name follows the sentinels/);
    expect(error.message).to.contain('(got "redis+sentinel://:***@h1:26379")');
    expect(error.message).to.not.contain('hunter2');
  });
});
