/**
 * Kafka with SASL PLAIN and SCRAM: the password comes from a file or the environment, the
 * pipeline runs, and no log line ever contains it. A wrong password fails fast, naming the broker.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { KAFKA_SASL_BROKERS, KAFKA_SASL_PASSWORD, KAFKA_SASL_USER, requireServer } from '../src/env.js';
import { deliveryReport, readPublished } from '../src/file-output.js';
import { createTopic, jsonEvents, produce, uniqueName } from '../src/kafka.js';
import { SinkhubProcess, eventually } from '../src/sinkhub-process.js';

before(() => requireServer('Kafka (SASL listener)', KAFKA_SASL_BROKERS[0]!));

function saslPipeline(topic: string, dir: string, mechanism: string, password: string): string {
  return `
kafka:
  brokers: [${KAFKA_SASL_BROKERS.map((b) => JSON.stringify(b)).join(', ')}]
  sasl: { mechanism: ${mechanism}, username: ${KAFKA_SASL_USER}, password: "${password}" }
  connection_timeout_ms: 3000
http: false
log_level: debug
pipelines:
  - name: ${topic}
    source: { topics: [${topic}] }
    sink: { type: file, path: ${JSON.stringify(dir)}, roll: { max_age_ms: 200 } }
    delivery: exactly-once
`;
}

describe('SASL to Kafka', () => {
  for (const [mechanism, via] of [['plain', 'file'], ['scram-sha-256', 'env'], ['scram-sha-512', 'file']] as const) {
    it(`${mechanism}, password from ${via === 'file' ? 'a secret file' : 'the environment'}`, { timeout: 60_000 }, async () => {
      const topic = uniqueName(`sasl-${mechanism}`);
      const dir = mkdtempSync(join(tmpdir(), 'sinkhub-sasl-'));
      await createTopic(topic, 1);
      await produce(topic, jsonEvents(100));
      const secretFile = join(dir, 'kafka-password');
      writeFileSync(secretFile, `${KAFKA_SASL_PASSWORD}\n`);
      const reference = via === 'file' ? `\${file:${secretFile}}` : '${KAFKA_PASSWORD}';
      const run = SinkhubProcess.run(saslPipeline(topic, join(dir, 'out'), mechanism, reference), { KAFKA_PASSWORD: KAFKA_SASL_PASSWORD });
      await eventually(async () => deliveryReport(await readPublished(join(dir, 'out')), 100).distinct === 100, 30_000, 'records through SASL');
      run.kill('SIGTERM');
      assert.equal(await run.waitForExit(), 0);
      assert.ok(run.stderr.length > 5, 'debug logs were written');
      assert.ok(!run.stderr.some((line) => line.includes(KAFKA_SASL_PASSWORD)), 'no log line holds the password');
    });
  }

  it('a wrong password fails fast with the broker named', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sinkhub-sasl-bad-'));
    const run = SinkhubProcess.run(saslPipeline(uniqueName('sasl-bad'), dir, 'scram-sha-256', 'not-the-password'));
    const started = Date.now();
    assert.equal(await run.waitForExit(45_000), 1);
    assert.ok(Date.now() - started < 40_000, 'no hang');
    const fatal = run.logs.find((l) => l.msg === 'could not start');
    assert.match(String(fatal?.['err']), new RegExp(`Kafka at ${KAFKA_SASL_BROKERS[0]}.*(SASL|[Aa]uthentication)`));
    assert.ok(!run.stderr.some((line) => line.includes('not-the-password')), 'the wrong password is not logged either');
  });
});
