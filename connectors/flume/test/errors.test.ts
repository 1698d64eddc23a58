/** The HTTP source's answers, as Flume 1.11 (Jetty 9.4) sends them, and what each means for a request. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { responseOutcome, serverMessage } from '../src/errors.js';

/** Jetty's error page, as the source sends it with `sendError(status, message)`. */
const page = (status: number, message: string) => `<html>
<head>
<meta http-equiv="Content-Type" content="text/html;charset=utf-8"/>
<title>Error ${status} ${message}</title>
</head>
<body><h2>HTTP ERROR ${status} ${message}</h2>
<table>
<tr><th>URI:</th><td>/</td></tr>
<tr><th>STATUS:</th><td>${status}</td></tr>
<tr><th>MESSAGE:</th><td>${message}</td></tr>
<tr><th>SERVLET:</th><td>org.apache.flume.source.http.HTTPSource$FlumeHTTPServlet-2cb3d579</td></tr>
</table>
<hr><a href="https://eclipse.org/jetty">Powered by Jetty:// 9.4.41.v20210516</a><hr/>

</body>
</html>
`;

describe('responses', () => {
  it('200 is written; 400 and 413 refuse the request', () => {
    assert.deepEqual(responseOutcome(200, ''), { kind: 'ok' });
    assert.deepEqual(responseOutcome(400, page(400, 'Bad request from client. Request has invalid JSON Syntax.')), {
      kind: 'refused',
      reason: 'HTTP 400: Bad request from client. Request has invalid JSON Syntax.',
    });
    assert.equal(responseOutcome(413, 'too large').kind, 'refused');
  });

  it('503: a full channel is retried; a transaction over the channel’s capacity says how many fit', () => {
    const full = "Error appending event to channel. Channel might be full.Space for commit to queue couldn't be acquired. Sinks are likely not keeping up with sources, or the buffer size is too tight";
    assert.deepEqual(responseOutcome(503, page(503, full.replace("'", '&#39;'))), { kind: 'retry', reason: `HTTP 503: ${full}` });
    const memory = 'Error appending event to channel. Channel might be full.Put queue for MemoryTransaction of capacity 20 full, consider committing more frequently, increasing capacity or increasing thread count';
    assert.deepEqual(responseOutcome(503, page(503, memory)), { kind: 'capacity', capacity: 20, reason: `HTTP 503: ${memory}` });
    const file = 'Error appending event to channel. Channel might be full.Put queue for FileBackedTransaction of capacity 100 full, consider committing more frequently, increasing capacity or increasing thread count. [channel=file]';
    assert.equal((responseOutcome(503, page(503, file)) as { capacity: number }).capacity, 100);
  });

  it('500 is retried; 401, 403, 404 and 405 (something in front of the source) stop the pipeline', () => {
    assert.equal(responseOutcome(500, page(500, 'Deserializer threw unexpected exception. JSON handler supports UTF-8, UTF-16 and UTF-32 only.')).kind, 'retry');
    for (const status of [401, 403, 404, 405]) assert.equal(responseOutcome(status, '').kind, 'fatal');
    assert.deepEqual(responseOutcome(502, '<html><title>502 Bad Gateway</title></html>'), { kind: 'retry', reason: 'HTTP 502: 502 Bad Gateway' });
  });

  it('the message of an error page, else the text', () => {
    assert.equal(serverMessage('plain\n text '), 'plain text');
    assert.equal(serverMessage(''), '');
    assert.deepEqual(responseOutcome(503, ''), { kind: 'retry', reason: 'HTTP 503: no message' });
  });
});
