/**
 * HDFS I/O: the core's staged-files protocol (stage, close, rename into place; offsets from the
 * names) over WebHDFS. On connect the base path is created and a probe file is written through
 * a DataNode and removed, so a refused path, a missing DataNode or an unreachable redirect
 * fails the start with the host and path named instead of at the first commit.
 */
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { StagedFilesSink, compileTemplate, type SinkContext } from '@sinkhub/core';
import type { HdfsOptions } from './options.js';
import { encoderFor } from './records.js';
import { WebHdfsStore } from './store.js';
import { WebHdfsClient } from './webhdfs.js';

export class HdfsSink extends StagedFilesSink {
  private readonly client: WebHdfsClient;

  constructor(
    private readonly options: HdfsOptions,
    context: SinkContext,
    client = new WebHdfsClient({ url: options.url, ...(options.user && { user: options.user }), timeoutMs: options.request_timeout_ms }),
  ) {
    super({
      store: new WebHdfsStore(client, options.spool_dir ?? tmpdir()),
      path: options.path,
      directory: compileTemplate(options.directory),
      encoder: encoderFor(options),
      compression: options.compression,
      roll: options.roll,
      logger: context.logger,
    });
    this.client = client;
  }

  override async connect(): Promise<void> {
    await super.connect();
    const probe = `${this.options.path === '/' ? '' : this.options.path}/.staging/.probe-${process.pid}-${randomBytes(4).toString('hex')}`;
    await this.client.create(probe, Buffer.from('sinkhub\n'));
    await this.client.delete(probe);
  }

  override async stop(): Promise<void> {
    await super.stop();
    this.client.close();
  }
}
