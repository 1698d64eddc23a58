/** TLS to Kafka: a pipeline trusting the broker's CA runs; one that does not is refused, clearly. */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { KAFKA_TLS_BROKERS, KAFKA_TLS_CA, requireServer } from '../src/env.js';
import { deliveryReport, readPublished } from '../src/file-output.js';
import { createTopic, jsonEvents, produce, uniqueName } from '../src/kafka.js';
import { SinkhubProcess, eventually } from '../src/sinkhub-process.js';

before(() => requireServer('Kafka (TLS listener)', KAFKA_TLS_BROKERS[0]!));

function tlsPipeline(topic: string, dir: string, tls: string): string {
  return `
kafka:
  brokers: [${KAFKA_TLS_BROKERS.map((b) => JSON.stringify(b)).join(', ')}]
  tls: ${tls}
  connection_timeout_ms: 3000
http: false
pipelines:
  - name: ${topic}
    source: { topics: [${topic}] }
    sink: { type: file, path: ${JSON.stringify(dir)}, roll: { max_age_ms: 200 } }
`;
}

describe('TLS to Kafka', () => {
  it('runs when the broker certificate verifies against ca_file', { timeout: 60_000 }, async () => {
    const topic = uniqueName('tls');
    const dir = mkdtempSync(join(tmpdir(), 'sinkhub-tls-'));
    await createTopic(topic, 1);
    await produce(topic, jsonEvents(100));
    const run = SinkhubProcess.run(tlsPipeline(topic, dir, `{ ca_file: ${JSON.stringify(KAFKA_TLS_CA)} }`));
    await eventually(async () => deliveryReport(await readPublished(dir), 100).distinct === 100, 30_000, 'records over TLS');
    run.kill('SIGTERM');
    assert.equal(await run.waitForExit(), 0);
  });

  it('refuses a broker whose certificate does not verify, naming it', { timeout: 60_000 }, async () => {
    const run = SinkhubProcess.run(tlsPipeline(uniqueName('tls-untrusted'), mkdtempSync(join(tmpdir(), 'sinkhub-tls-')), '{ enabled: true }'));
    assert.equal(await run.waitForExit(45_000), 1);
    const fatal = run.logs.find((l) => l.msg === 'could not start');
    assert.match(String(fatal?.['err']), new RegExp(`Kafka at ${KAFKA_TLS_BROKERS[0]}.*(certificate|self.signed)`, 'i'));
  });
});
