/** A topic pattern picks up every matching topic; the stdout sink prints one JSON line per record. */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { KAFKA_BROKERS, requireServer } from '../src/env.js';
import { createTopic, jsonEvents, produce, uniqueName } from '../src/kafka.js';
import { SinkhubProcess, eventually } from '../src/sinkhub-process.js';

before(() => requireServer('Kafka', KAFKA_BROKERS[0]!));

describe('topic pattern into stdout', () => {
  it('consumes every matching topic and prints each transformed record once', { timeout: 60_000 }, async () => {
    const prefix = uniqueName('pattern');
    for (const suffix of ['a', 'b']) {
      await createTopic(`${prefix}.${suffix}`, 2);
      await produce(`${prefix}.${suffix}`, jsonEvents(300, suffix === 'a' ? 0 : 300), 2);
    }
    await createTopic(`${prefix}-other`, 1);
    await produce(`${prefix}-other`, jsonEvents(50, 1000));

    const run = SinkhubProcess.run(`
kafka: { brokers: [${KAFKA_BROKERS.map((b) => JSON.stringify(b)).join(', ')}] }
http: false
pipelines:
  - name: ${prefix}
    source: { topic_pattern: "^${prefix.replaceAll('.', '\\\\.')}\\\\.(a|b)$" }
    transforms:
      - filter: "id % 2 = 0"
      - map: "{ 'id': id, 'topic': $topic }"
    sink: { type: stdout }
`);
    await eventually(() => run.stdout.split('\n').filter(Boolean).length >= 300, 30_000, '300 lines on stdout');
    await new Promise((r) => setTimeout(r, 500));
    run.kill('SIGTERM');
    assert.equal(await run.waitForExit(), 0);

    const lines = run.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { id: number; topic: string });
    assert.equal(lines.length, 300, 'the even ids of both matching topics, nothing of the other topic');
    assert.equal(new Set(lines.map((l) => l.id)).size, 300);
    assert.ok(lines.every((l) => l.id % 2 === 0 && l.id < 600));
    assert.deepEqual([...new Set(lines.map((l) => l.topic))].sort(), [`${prefix}.a`, `${prefix}.b`]);
  });
});
