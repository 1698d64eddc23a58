/**
 * InfluxDB I/O: one line-protocol write per batch, through the v2 (`/api/v2/write`) or v1
 * (`/write`) API. A batch the server refuses as bad data is split until the refused points are
 * found: rewriting the accepted ones is harmless, since a point is identified by its series
 * and timestamp.
 */
import { InfluxDB } from '@influxdata/influxdb-client';
import { SinkError, isolateRefused, tlsConnectionOptions, type Batch, type RecordFailure, type Sink, type SinkContext, type WriteResult } from '@sinkhub/core';
import { classify, describe } from './errors.js';
import type { InfluxdbOptions } from './options.js';
import { PointBuilder, type RecordLine } from './points.js';

/** v1 spells precisions with one letter where v2 spells them out. */
const V1_PRECISION = { ns: 'n', us: 'u', ms: 'ms', s: 's' } as const;

export class InfluxdbSink implements Sink {
  private readonly builder: PointBuilder;
  private readonly client: InfluxDB;
  private readonly writePath: string;
  private readonly headers: Record<string, string>;
  private readonly where: string;

  constructor(
    private readonly options: InfluxdbOptions,
    private readonly context: SinkContext,
  ) {
    this.builder = new PointBuilder(options);
    const tls = tlsConnectionOptions(options.tls);
    this.client = new InfluxDB({
      url: options.url,
      ...(options.token && { token: options.token }),
      timeout: options.timeout_ms,
      ...(tls && { transportOptions: tls }),
    });
    const query = (params: Record<string, string | undefined>) =>
      new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined)).toString();
    this.writePath =
      options.api === 'v2'
        ? `/api/v2/write?${query({ org: options.org, bucket: options.bucket, precision: options.precision })}`
        : `/write?${query({ db: options.database, rp: options.retention_policy, precision: V1_PRECISION[options.precision] })}`;
    // v1 credentials go in a header, never in a URL that could be logged.
    this.headers = {
      'content-type': 'text/plain; charset=utf-8',
      ...(options.api === 'v1' && options.username && { authorization: `Basic ${Buffer.from(`${options.username}:${options.password ?? ''}`).toString('base64')}` }),
    };
    this.where = `${new URL(options.url).host} (${options.api === 'v2' ? `bucket ${options.bucket}` : `database ${options.database}`})`;
  }

  async connect(): Promise<void> {
    try {
      if (this.options.api === 'v1') {
        // Checks the server, the credentials and the database at once.
        const answer = (await this.request('/query?q=SHOW%20DATABASES', 'GET')) as { results?: { series?: { values?: string[][] }[] }[] };
        const databases = (answer.results?.[0]?.series?.[0]?.values ?? []).map((row) => row[0]);
        if (!databases.includes(this.options.database!)) throw new Error(`database "${this.options.database}" does not exist`);
      } else {
        await this.request('/ping', 'GET');
      }
    } catch (error) {
      throw new SinkError(`influxdb at ${this.where}: ${describe(error)}`, { retryable: false, cause: error });
    }
  }

  async write(batch: Batch): Promise<WriteResult> {
    const translation = await this.builder.build(batch.records);
    const failures: RecordFailure[] = [...translation.failures];
    await this.writeLines(translation.lines, failures);
    return failures.length > 0 ? { failures } : undefined;
  }

  async stop(): Promise<void> {}

  /** Writes `lines`; points the server refuses as bad data are found by splitting (see `isolateRefused`) and added to `failures`. */
  private async writeLines(lines: readonly RecordLine[], failures: RecordFailure[]): Promise<void> {
    const result = await isolateRefused(
      lines,
      (part) => this.request(this.writePath, 'POST', part.map((l) => l.line).join('\n')).then(() => undefined),
      (error) => (classify(error) === 'record' ? new Error(describe(error)) : undefined),
    );
    for (const { item, error } of result.refused) failures.push({ index: item.index, error, retryable: false });
    if (result.unsent) {
      const error = result.unsent.error;
      throw new SinkError(`influxdb at ${this.where}: ${describe(error)}`, { retryable: classify(error) !== 'fatal', cause: error });
    }
  }

  private request(path: string, method: 'GET' | 'POST', body = ''): Promise<unknown> {
    return this.client.transport.request(path, body, { method, headers: this.headers });
  }
}
