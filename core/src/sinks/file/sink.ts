/**
 * The file sink: the staged-files protocol (see `staged-files/sink.ts`) on the local file
 * system, JSON lines, every file in `path`.
 */
import type { SinkContext } from '../../connector.js';
import { jsonLinesEncoder } from '../../staged-files/encoding.js';
import { LocalFileStore } from '../../staged-files/local-store.js';
import { StagedFilesSink } from '../../staged-files/sink.js';
import type { FileOptions } from './options.js';

export class FileSink extends StagedFilesSink {
  constructor(options: FileOptions, context: SinkContext) {
    super({
      store: new LocalFileStore(options.fsync),
      path: options.path,
      encoder: jsonLinesEncoder(options.content),
      compression: 'none',
      roll: options.roll,
      logger: context.logger,
    });
  }
}
