/** Two-phase staged files over any `FileStore`: the file sink's protocol, shared with connectors. */
export { StagedFilesSink, checkedDirectory, type StagedFilesConfig } from './sink.js';
export type { FileStore, FileWriter, StoredEntry } from './store.js';
export { LocalFileStore } from './local-store.js';
export { jsonLinesEncoder, encodedOutput, type RecordEncoder, type Compression, type EncodedOutput } from './encoding.js';
export { rollOptions, compressionOption, type RollPolicy } from './options.js';
export { STAGING_DIR, MANIFEST_SUFFIX, parsePublishedName, publishedName, stagingPrefix, type PublishedFile } from './naming.js';
