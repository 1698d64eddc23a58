/**
 * Reading HDFS back for the hdfs suites, independently of the connector: WebHDFS through
 * `fetch` (LISTSTATUS, OPEN following the DataNode redirect, MKDIRS/CREATE for setup).
 */
import { gunzipSync } from 'node:zlib';
import { parsePublishedName } from '@sinkhub/core';
import { HDFS_SUPERUSER, HDFS_URL, HDFS_USER, hostPort } from './env.js';

export const hdfsServer = { name: 'HDFS (WebHDFS)', address: hostPort(HDFS_URL), service: 'hdfs' };

/** The `sink:` lines every hdfs suite starts from. */
export const hdfsSinkYaml = `type: hdfs\nurl: ${HDFS_URL}\nuser: ${HDFS_USER}`;

interface Status {
  pathSuffix: string;
  type: string;
  length: number;
}

function url(path: string, op: string, params: Record<string, string> = {}, user = HDFS_USER): string {
  const u = new URL(`/webhdfs/v1${path}`, HDFS_URL);
  u.searchParams.set('op', op);
  u.searchParams.set('user.name', user);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
}

async function ok(response: Response, what: string): Promise<Response> {
  if (!response.ok) throw new Error(`${what}: HTTP ${response.status} ${await response.text()}`);
  return response;
}

export async function listStatus(path: string): Promise<Status[]> {
  const r = await fetch(url(path, 'LISTSTATUS'));
  if (r.status === 404) return [];
  return ((await (await ok(r, `LISTSTATUS ${path}`)).json()) as { FileStatuses: { FileStatus: Status[] } }).FileStatuses.FileStatus;
}

/** Every file under `path` (recursively), as paths, skipping nothing. */
export async function listFiles(path: string): Promise<{ path: string; length: number }[]> {
  const out: { path: string; length: number }[] = [];
  for (const s of await listStatus(path)) {
    const full = `${path}/${s.pathSuffix}`;
    if (s.type === 'DIRECTORY') out.push(...(await listFiles(full)));
    else out.push({ path: full, length: s.length });
  }
  return out;
}

export async function readFile(path: string): Promise<Buffer> {
  return Buffer.from(await (await ok(await fetch(url(path, 'OPEN')), `OPEN ${path}`)).arrayBuffer());
}

/** The published files under `path` (outside `.staging`), their text (gunzipped when `.gz`). */
export async function readPublished(path: string): Promise<{ path: string; text: string }[]> {
  const files = (await listFiles(path)).filter((f) => !f.path.includes('/.staging/') && parsePublishedName(f.path.slice(f.path.lastIndexOf('/') + 1)));
  return Promise.all(
    files.map(async (f) => {
      const bytes = await readFile(f.path);
      return { path: f.path, text: (f.path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8') };
    }),
  );
}

/** The `id` of every JSON line published under `path`, duplicates included. */
export async function readIds(path: string): Promise<number[]> {
  const ids: number[] = [];
  for (const f of await readPublished(path)) {
    for (const line of f.text.split('\n')) if (line) ids.push((JSON.parse(line) as { id: number }).id);
  }
  return ids;
}

/** Setup as the superuser: a directory with an owner and mode (say, one `sinkhub` may not write). */
export async function mkdirAs(path: string, permission: string, user = HDFS_SUPERUSER): Promise<void> {
  await ok(await fetch(url(path, 'MKDIRS', { permission }, user), { method: 'PUT' }), `MKDIRS ${path}`);
}

/** Writes a file as `sinkhub` (two steps: the NameNode redirects to a DataNode). */
export async function createFile(path: string, body: string): Promise<void> {
  const first = await fetch(url(path, 'CREATE', { overwrite: 'true' }), { method: 'PUT', redirect: 'manual' });
  const location = first.headers.get('location');
  if (first.status !== 307 || !location) throw new Error(`CREATE ${path}: HTTP ${first.status} ${await first.text()}`);
  // fetch cannot read the DataNode's unsolicited 100 Continue: a plain HTTP request does it.
  const { request } = await import('node:http');
  await new Promise<void>((resolve, reject) => {
    const req = request(location, { method: 'PUT', headers: { 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 201 ? resolve() : reject(new Error(`CREATE ${path} on the DataNode: HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}
