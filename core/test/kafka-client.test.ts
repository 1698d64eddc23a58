/** createKafka's retry override bounds how long a refused connection takes to fail. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createKafka, createLogger } from '../src/index.js';

const config = { brokers: ['127.0.0.1:1'], client_id: 'sinkhub-test', connection_timeout_ms: 1000 };

describe('createKafka', () => {
  it('a retry override makes a refused connection fail at once, naming the broker', async () => {
    const started = Date.now();
    const admin = createKafka(config, createLogger('silent'), { retry: { retries: 0 } }).admin();
    await assert.rejects(admin.connect(), /ECONNREFUSED 127\.0\.0\.1:1/);
    assert.ok(Date.now() - started < 2000, `failed within ${Date.now() - started} ms`);
  });

  it('kafkajs’ default retries take seconds longer', async () => {
    const started = Date.now();
    const admin = createKafka(config, createLogger('silent')).admin();
    await assert.rejects(admin.connect());
    assert.ok(Date.now() - started > 2000, `failed after ${Date.now() - started} ms`);
  });
});
