/**
 * Bad pipeline files are rejected before anything connects, one problem per line as
 * `file:line:column: field: message`, and `sinkhub validate` exits 2.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ConfigError, type ConfigProblem } from '../src/config/problems.js';
import { loadPipelineFile, parsePipelineText } from '../src/config/load.js';
import { ConnectorRegistry } from '../src/registry.js';

const PIPELINES = fileURLToPath(new URL('../../test/pipelines/', import.meta.url));
const CLI = fileURLToPath(new URL('../src/cli.js', import.meta.url));
const registry = new ConnectorRegistry(ConnectorRegistry.builtIn());

type Expected = [line: number, column: number, field: string, message: RegExp];

const CASES: Record<string, Expected[]> = {
  'malformed-yaml.yaml': [[3, 1, '', /invalid YAML: Flow sequence/]],
  'unknown-top-level.yaml': [
    [1, 1, 'pipelines', /required field is missing/],
    [2, 1, 'pipeline', /unknown field "pipeline"/],
  ],
  'typo-in-source.yaml': [
    [5, 7, 'pipelines[0].source.topcs', /unknown field "topcs"/],
    [5, 7, 'pipelines[0].source', /exactly one of `topics` and `topic_pattern`/],
  ],
  'wrong-type.yaml': [[7, 20, 'pipelines[0].batching.max_records', /expected number, received string/]],
  'missing-brokers.yaml': [[2, 3, 'kafka.brokers', /required field is missing/]],
  'missing-name.yaml': [[3, 5, 'pipelines[0].name', /required field is missing/]],
  'unknown-sink-type.yaml': [[6, 13, 'pipelines[0].sink.type', /unknown sink type "elastisearch" \(known: file, stdout/]],
  'unknown-sink-option.yaml': [[8, 7, 'pipelines[0].sink.rotate', /unknown field "rotate"/]],
  'bad-sink-option-value.yaml': [[9, 22, 'pipelines[0].sink.roll.max_records', /too small/i]],
  'unset-variable.yaml': [[7, 13, 'pipelines[0].sink.path', /environment variable SINKHUB_TEST_NOPE_VAR is not set/]],
  'topics-and-pattern.yaml': [[5, 7, 'pipelines[0].source', /exactly one of `topics` and `topic_pattern`/]],
  'tolerance-without-dlq.yaml': [[7, 7, 'pipelines[0].errors.dead_letter_topic', /needs a dead_letter_topic/]],
  'exactly-once-unsupported.yaml': [[6, 15, 'pipelines[0].delivery', /exactly-once is not available: the stdout connector is at-least-once only/]],
  'bad-jsonata.yaml': [[6, 17, 'pipelines[0].transforms[0].filter', /invalid JSONata expression/]],
  'duplicate-names.yaml': [[6, 11, 'pipelines[1].name', /pipeline name "p" is also used by pipelines\[0\]/]],
  'duplicate-key.yaml': [[4, 5, '', /Map keys must be unique/]],
  'three-problems.yaml': [
    [3, 3, 'kafka.client_idd', /unknown field "client_idd"/],
    [6, 40, 'pipelines[0].source.start_from', /expected one of "earliest"\|"latest"/],
    [7, 36, 'pipelines[0].sink.content', /expected one of "value"\|"record"/],
  ],
};

function problemsOf(file: string): readonly ConfigProblem[] {
  try {
    parsePipelineText(readFileSync(join(PIPELINES, file), 'utf8'), file, { registry, env: {} });
  } catch (error) {
    assert.ok(error instanceof ConfigError, `${file}: ${error}`);
    return error.problems;
  }
  assert.fail(`${file} was accepted`);
}

describe('bad pipeline files', () => {
  for (const [file, expected] of Object.entries(CASES)) {
    it(`${file}: ${expected.length} problem(s) with position and field`, () => {
      const problems = problemsOf(file);
      assert.equal(problems.length, expected.length, problems.map((p) => p.message).join('; '));
      expected.forEach(([line, column, field, message], i) => {
        const p = problems[i]!;
        assert.deepEqual([p.file, p.line, p.column, p.field], [file, line, column, field]);
        assert.match(p.message, message);
      });
    });
  }

  it('the CLI prints each problem as file:line:column: field: message and exits 2', () => {
    for (const [file, expected] of Object.entries(CASES)) {
      const path = join(PIPELINES, file);
      const result = spawnSync(process.execPath, [CLI, 'validate', path], { encoding: 'utf8', env: { PATH: process.env['PATH'] } });
      assert.equal(result.status, 2, `${file}: ${result.stderr}`);
      for (const [line, column, field] of expected) {
        assert.ok(result.stderr.includes(`${path}:${line}:${column}: ${field ? `${field}: ` : ''}`), `${file}:\n${result.stderr}`);
      }
      assert.match(result.stderr, /nothing was started/);
    }
  });
});

describe('a valid pipeline file', () => {
  it('expands variables and secret files, types unquoted references, applies defaults', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sinkhub-config-'));
    const secret = join(dir, 'password');
    writeFileSync(secret, 's3cret\n');
    const text = readFileSync(join(PIPELINES, 'valid.yaml'), 'utf8').replace('SECRET_FILE', secret);
    writeFileSync(join(dir, 'valid.yaml'), text);
    const file = await loadPipelineFile(join(dir, 'valid.yaml'), { registry, env: { SINKHUB_TEST_PORT: '9999' } });
    assert.deepEqual(file.kafka.brokers, ['127.0.0.1:9092'], '${VAR:-default} takes the default');
    assert.equal(file.kafka.sasl?.password, 's3cret', '${file:…} reads the secret, trimmed');
    assert.deepEqual(file.http, { host: '127.0.0.1', port: 9999 }, 'an unquoted ${VAR} becomes a number');
    const [pipeline] = file.pipelines;
    assert.equal(pipeline!.source.group_id, 'sinkhub-events');
    assert.equal(pipeline!.delivery, 'at-least-once');
    assert.equal(pipeline!.errors.tolerance, 'none');
    assert.equal(pipeline!.errors.retry.max_backoff_ms, 30_000);
    assert.deepEqual(pipeline!.sink, { type: 'file', options: { path: '/tmp/out', content: 'record', roll: { max_records: 100_000, max_bytes: 64 * 1024 * 1024, max_age_ms: 60_000 }, fsync: true } });
  });

  it('a secret file that cannot be read is a problem at its field', () => {
    assert.throws(
      () => parsePipelineText('kafka: { brokers: [a:1], sasl: { mechanism: plain, username: u, password: "${file:/nope/secret}" } }\npipelines: []', 'f.yaml', { registry, env: {} }),
      (e: ConfigError) => e.problems[0]!.field === 'kafka.sasl.password' && /cannot read secret file \/nope\/secret/.test(e.problems[0]!.message),
    );
  });
});
