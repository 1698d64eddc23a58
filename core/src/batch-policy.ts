/** When a batch is handed to the sink: whichever limit is reached first. */
export interface BatchPolicy {
  readonly maxRecords: number;
  readonly maxBytes: number;
  /** Longest a record waits in a partial batch. */
  readonly maxWaitMs: number;
  /** Fetching pauses while records waiting for the sink exceed this many bytes. */
  readonly bufferMaxBytes: number;
}

export const DEFAULT_BATCH_POLICY: BatchPolicy = {
  maxRecords: 1000,
  maxBytes: 1024 * 1024,
  maxWaitMs: 200,
  bufferMaxBytes: 16 * 1024 * 1024,
};
