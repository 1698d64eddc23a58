/** The redis connector through the shared conformance suite: a transactional and an idempotent command. */
import { Redis } from 'ioredis';
import { after } from 'node:test';
import { conformanceSuite } from '../src/conformance.js';
import { REDIS_URL, hostPort } from '../src/env.js';

const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 3 });
redis.on('error', () => undefined); // the outage case stops the server under it
after(() => redis.quit());
const server = { name: 'Redis', address: hostPort(REDIS_URL), service: 'redis' };

conformanceSuite({
  name: 'redis RPUSH (transactional)',
  delivery: 'exactly-once',
  server,
  maxRecords: 500,
  sink: (topic) => `type: redis\nurl: ${REDIS_URL}\ncommand: RPUSH\nkey: "list:${topic}"`,
  readIds: async (topic) => (await redis.lrange(`list:${topic}`, 0, -1)).map((v) => (JSON.parse(v) as { id: number }).id),
});

conformanceSuite({
  name: 'redis SET (idempotent)',
  delivery: 'exactly-once',
  server,
  maxRecords: 500,
  sink: (topic) => `type: redis\nurl: ${REDIS_URL}\ncommand: SET\nkey: "{{ $topic }}:{{ id }}"`,
  readIds: async (topic) => {
    const ids: number[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${topic}:*`, 'COUNT', 5000);
      cursor = next;
      ids.push(...keys.map((k) => Number(k.slice(topic.length + 1))));
    } while (cursor !== '0');
    return ids;
  },
});
