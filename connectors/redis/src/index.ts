import { defineConnector } from '@sinkhub/core';
import { IDEMPOTENT, redisOptions } from './options.js';
import { RedisSink } from './sink.js';

export { redisOptions, type RedisOptions } from './options.js';
export { CommandBuilder } from './commands.js';
export { RedisSink } from './sink.js';

export const redisSink = defineConnector({
  name: 'redis',
  summary: 'Writes each record as a Redis command: SET, HSET, LPUSH, RPUSH, SADD, ZADD, XADD or PUBLISH; one pipelined round trip per batch.',
  options: redisOptions,
  example: [
    'sink:',
    '  type: redis',
    '  url: redis://127.0.0.1:6379',
    '  password: ${REDIS_PASSWORD}',
    '  command: HSET',
    '  key: "user:{{ user.id }}"',
    '',
  ].join('\n'),
  guarantee: {
    summary: 'depends on the command; a tombstone (null value) deletes the key for SET and HSET.',
    table: [
      ['SET, HSET, SADD, ZADD', 'exactly-once by idempotence: a replay rewrites the same state'],
      ['LPUSH, RPUSH, XADD', 'exactly-once: one MULTI/EXEC per batch stores the partitions’ offsets in a hash with the data (standalone and sentinel; at-least-once in cluster mode)'],
      ['PUBLISH', 'at-least-once: a published message cannot be taken back, so a replay publishes it again'],
    ],
  },
  exactlyOnce(options) {
    if (IDEMPOTENT.has(options.command)) return 'idempotent';
    if (options.command === 'PUBLISH') return 'PUBLISH is at-least-once at best: a published message cannot be taken back';
    if (options.mode === 'cluster') return `${options.command} in cluster mode: one transaction cannot span the slots of a batch`;
    return 'transactional';
  },
  defaultBatching: { maxRecords: 2000, maxWaitMs: 50 },
  create: (options, context) => new RedisSink(options, context),
});

export default redisSink;
