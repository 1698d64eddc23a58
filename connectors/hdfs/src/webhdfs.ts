/**
 * The WebHDFS REST calls the sink needs, on Node's own HTTP client. Not `fetch`: a DataNode
 * answers every write with an unsolicited `100 Continue`, which undici rejects as a bad
 * response; `node:http` skips it. CREATE is WebHDFS's two steps: the NameNode answers 307 with
 * a DataNode URL, the data goes there.
 */
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { SinkError } from '@sinkhub/core';
import { WebHdfsError, classify, remoteException } from './errors.js';

export interface FileStatus {
  readonly pathSuffix: string;
  readonly type: 'FILE' | 'DIRECTORY' | 'SYMLINK';
  readonly length: number;
}

export interface WebHdfsClientOptions {
  /** NameNode HTTP address, e.g. `http://namenode:9870`. */
  readonly url: string;
  /** `user.name` for simple authentication; omitted: the server's anonymous user. */
  readonly user?: string;
  /** Longest a request may go without progress. */
  readonly timeoutMs: number;
}

interface Response {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** A request body: bytes, or a stream made anew for each attempt, with its length. */
type Body = Buffer | { readonly length: number; open(): Readable };

export class WebHdfsClient {
  /** `hdfs at host:port`, in every message. */
  readonly where: string;
  private readonly base: URL;
  private readonly agent: Agent;

  constructor(private readonly options: WebHdfsClientOptions) {
    this.base = new URL(options.url);
    this.where = `hdfs at ${this.base.host}`;
    // Bounded, so that a recursive listing on start does not open a socket per directory.
    this.agent = new Agent({ keepAlive: true, maxSockets: 8 });
  }

  async getFileStatus(path: string): Promise<FileStatus | undefined> {
    const r = await this.call('GET', path, 'GETFILESTATUS', {}, { missing: true });
    return r && (json(r) as { FileStatus: FileStatus }).FileStatus;
  }

  /** Undefined when the directory does not exist. */
  async listStatus(path: string): Promise<FileStatus[] | undefined> {
    const r = await this.call('GET', path, 'LISTSTATUS', {}, { missing: true });
    return r && (json(r) as { FileStatuses: { FileStatus: FileStatus[] } }).FileStatuses.FileStatus;
  }

  async mkdirs(path: string): Promise<void> {
    const r = await this.call('PUT', path, 'MKDIRS');
    if (!booleanOf(r!)) throw this.failure('MKDIRS', path, new WebHdfsError('the NameNode answered false'));
  }

  /** False when `to` exists or `from` does not (HDFS renames atomically and never replaces). */
  async rename(from: string, to: string): Promise<boolean> {
    return booleanOf((await this.call('PUT', from, 'RENAME', { destination: to }))!);
  }

  async delete(path: string): Promise<boolean> {
    return booleanOf((await this.call('DELETE', path, 'DELETE', { recursive: 'false' }))!);
  }

  /** Writes a whole file (replacing one there); durable on the DataNodes when it returns. */
  async create(path: string, body: Body): Promise<void> {
    await this.twoStep('PUT', path, 'CREATE', { overwrite: 'true' }, body);
  }

  async open(path: string): Promise<Buffer> {
    return (await this.twoStep('GET', path, 'OPEN', {})).body;
  }

  close(): void {
    this.agent.destroy();
  }

  private async twoStep(method: string, path: string, op: string, params: Record<string, string>, body?: Body): Promise<Response> {
    const redirect = (await this.call(method, path, op, params, { redirect: true }))!;
    const location = redirect.headers.location;
    if (redirect.status !== 307 || !location) throw this.failure(op, path, new WebHdfsError(`expected a redirect to a DataNode, got HTTP ${redirect.status}`, redirect.status));
    let response: Response;
    try {
      response = await this.send(method, new URL(location), body);
    } catch (error) {
      throw this.failure(op, path, error, ` (the DataNode at ${new URL(location).host}, where WebHDFS redirected)`);
    }
    if (response.status >= 300) throw this.failure(op, path, httpError(response), ` (the DataNode at ${new URL(location).host})`);
    return response;
  }

  private async call(
    method: string,
    path: string,
    op: string,
    params: Record<string, string> = {},
    expect: { missing?: boolean; redirect?: boolean } = {},
  ): Promise<Response | undefined> {
    let response: Response;
    try {
      response = await this.send(method, this.url(path, op, params));
    } catch (error) {
      throw this.failure(op, path, error);
    }
    if (expect.redirect && response.status === 307) return response;
    if (expect.missing && response.status === 404) return undefined;
    if (response.status >= 300) throw this.failure(op, path, httpError(response));
    return response;
  }

  private url(path: string, op: string, params: Record<string, string>): URL {
    const url = new URL(`/webhdfs/v1${path.split('/').map(encodeURIComponent).join('/')}`, this.base);
    url.searchParams.set('op', op);
    if (this.options.user) url.searchParams.set('user.name', this.options.user);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    return url;
  }

  /** The error the core sees: the host, the call and the path named; retryable unless fatal. */
  private failure(op: string, path: string, error: unknown, via = ''): SinkError {
    const cause = error instanceof WebHdfsError ? error : networkError(error);
    return new SinkError(`${this.where}: ${op} ${path}${via}: ${cause.message}`, { retryable: classify(cause) !== 'fatal', cause });
  }

  private send(method: string, url: URL, body?: Body): Promise<Response> {
    const { timeoutMs } = this.options;
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = {};
      if (body) Object.assign(headers, { 'content-type': 'application/octet-stream', 'content-length': body.length });
      const req = request(url, { method, agent: this.agent, headers, timeout: timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error(`no progress for ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
      req.on('error', reject);
      if (!body) req.end();
      else if (Buffer.isBuffer(body)) req.end(body);
      else {
        const stream = body.open();
        stream.on('error', (error) => req.destroy(error));
        stream.pipe(req);
      }
    });
  }
}

function json(r: Response): unknown {
  return JSON.parse(r.body.toString('utf8'));
}

function booleanOf(r: Response): boolean {
  return (json(r) as { boolean: boolean }).boolean === true;
}

function httpError(r: Response): WebHdfsError {
  const text = r.body.toString('utf8');
  const remote = remoteException(text);
  if (remote) return new WebHdfsError(`${remote.exception}: ${remote.message}`, r.status, remote.exception);
  const page = text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200);
  return new WebHdfsError(`HTTP ${r.status}${page ? `: ${page}` : ''}`, r.status);
}

function networkError(error: unknown): WebHdfsError {
  const e = error as NodeJS.ErrnoException;
  return new WebHdfsError(e?.message ?? String(error), undefined, undefined, e?.code);
}
