/** WebHDFS failures, classified: each class with the server's real RemoteException bodies. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecordEncodingError, WebHdfsError, classify } from '../src/index.js';
import { remoteException } from '../src/errors.js';

const remote = (status: number, exception: string, message = '') => {
  const parsed = remoteException(JSON.stringify({ RemoteException: { exception, javaClassName: `org.apache.hadoop.${exception}`, message } }))!;
  return new WebHdfsError(`${parsed.exception}: ${parsed.message}`, status, parsed.exception);
};
const network = (code: string) => new WebHdfsError(`connect ${code} 127.0.0.1:9870`, undefined, undefined, code);

describe('hdfs errors', () => {
  it('retries what a restart, safe mode or failover gets past', () => {
    for (const e of [
      remote(403, 'SafeModeException', 'Cannot create directory /d. Name node is in safe mode.'),
      remote(403, 'RetriableException', 'org.apache.hadoop.hdfs.server.namenode.SafeModeException: Cannot create file'),
      remote(403, 'StandbyException', 'Operation category WRITE is not supported in state standby'),
      remote(403, 'IOException', 'File /d/.staging/x could only be written to 0 of the 1 minReplication nodes. There are 0 datanode(s) running'),
      remote(403, 'AlreadyBeingCreatedException', 'Failed to CREATE_FILE /d/x for DFSClient_1 because this file lease is currently owned by DFSClient_2'),
      remote(500, 'NullPointerException'),
      new WebHdfsError('HTTP 503: Service Unavailable', 503),
      new WebHdfsError('HTTP 502', 502),
      network('ECONNREFUSED'),
      network('ECONNRESET'),
      network('ETIMEDOUT'),
      new Error('socket hang up'),
    ]) {
      assert.equal(classify(e), 'retryable', e.message);
    }
  });

  it('stops on configuration no retry can fix', () => {
    for (const e of [
      remote(403, 'AccessControlException', 'Permission denied: user=sinkhub, access=WRITE, inode="/locked":root:supergroup:drwxr-xr-x'),
      remote(403, 'ParentNotDirectoryException', '/free/f (is not a directory)'),
      remote(403, 'DSQuotaExceededException', 'The DiskSpace quota of /d is exceeded'),
      remote(403, 'NSQuotaExceededException', 'The NameSpace quota (directories and files) of directory /d is exceeded'),
      remote(400, 'IllegalArgumentException', 'Invalid value for webhdfs parameter "op"'),
      remote(401, 'SecurityException', 'Failed to obtain user group information'),
      new WebHdfsError('HTTP 401: Authentication required', 401),
    ]) {
      assert.equal(classify(e), 'fatal', e.message);
    }
  });

  it('sends records it cannot encode to the dead-letter topic', () => {
    assert.equal(classify(new RecordEncodingError('column tags holds an array')), 'record');
  });

  it('reads RemoteException bodies and nothing else', () => {
    assert.deepEqual(remoteException('{"RemoteException":{"exception":"FileNotFoundException","javaClassName":"java.io.FileNotFoundException","message":"File does not exist: /t/zz"}}'), {
      exception: 'FileNotFoundException',
      message: 'File does not exist: /t/zz',
    });
    assert.equal(remoteException('<html><body>HTTP ERROR 404 Not Found</body></html>'), undefined);
    assert.equal(remoteException('{"boolean":false}'), undefined);
  });
});
