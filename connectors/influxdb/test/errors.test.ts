/** The influxdb connector's error classes, on the answers InfluxDB 1.x and 2.x send. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { HttpError } from '@influxdata/influxdb-client';
import { classify, describe } from '../src/errors.js';

const http = (status: number, body: string) => new HttpError(status, undefined, body, undefined, 'application/json');

it('refused lines are record failures, credentials and databases fatal, the rest retried', () => {
  assert.equal(classify(http(400, '{"error":"partial write: field type conflict"}')), 'record');
  assert.equal(classify(http(413, '{"error":"Request Entity Too Large"}')), 'record');
  assert.equal(classify(http(422, '{"code":"unprocessable entity","message":"failure writing points"}')), 'record');
  assert.equal(classify(http(401, '{"error":"authorization failed"}')), 'fatal');
  assert.equal(classify(http(404, '{"error":"database not found: \\"nope\\""}')), 'fatal');
  assert.equal(classify(http(503, '')), 'retryable');
  assert.equal(classify(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8086'), { code: 'ECONNREFUSED' })), 'retryable');
});

it('describes an answer by the server’s own message', () => {
  assert.equal(describe(http(400, '{"error":"partial write: field type conflict"}')), 'HTTP 400: partial write: field type conflict');
  assert.equal(describe(http(422, '{"code":"unprocessable entity","message":"failure writing points"}')), 'HTTP 422: failure writing points');
  assert.equal(describe(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })), 'ECONNRESET: socket hang up');
});
