/**
 * The benchmark's HDFS (services/hdfs.sh): WebHDFS calls for the raw case and for reading back,
 * on Node's HTTP client (a DataNode's unsolicited `100 Continue` defeats `fetch`).
 */
import { request } from 'node:http';

export const HDFS = {
  url: process.env['HDFS_URL'] ?? 'http://127.0.0.1:9870',
  user: process.env['HDFS_USER'] ?? 'sinkhub',
};

function url(path: string, op: string, params: Record<string, string> = {}): string {
  const u = new URL(`/webhdfs/v1${path}`, HDFS.url);
  u.searchParams.set('op', op);
  u.searchParams.set('user.name', HDFS.user);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
}

function call(method: string, target: string, body?: Buffer): Promise<{ status: number; location?: string; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(target, { method, headers: body ? { 'content-length': body.length, 'content-type': 'application/octet-stream' } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ...(res.headers.location && { location: res.headers.location }), text: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** CREATE in WebHDFS's two steps: the NameNode redirects, the bytes go to the DataNode. */
export async function createFile(path: string, body: Buffer): Promise<void> {
  const redirect = await call('PUT', url(path, 'CREATE', { overwrite: 'true' }));
  if (redirect.status !== 307 || !redirect.location) throw new Error(`CREATE ${path}: HTTP ${redirect.status} ${redirect.text}`);
  const written = await call('PUT', redirect.location, body);
  if (written.status !== 201) throw new Error(`CREATE ${path} on the DataNode: HTTP ${written.status} ${written.text}`);
}

/** APPEND, in two steps like CREATE (POST). */
export async function appendFile(path: string, body: Buffer): Promise<void> {
  const redirect = await call('POST', url(path, 'APPEND'));
  if (redirect.status !== 307 || !redirect.location) throw new Error(`APPEND ${path}: HTTP ${redirect.status} ${redirect.text}`);
  const written = await call('POST', redirect.location, body);
  if (written.status !== 200) throw new Error(`APPEND ${path} on the DataNode: HTTP ${written.status} ${written.text}`);
}

export async function rename(from: string, to: string): Promise<void> {
  const r = await call('PUT', url(from, 'RENAME', { destination: to }));
  if (r.status !== 200 || !r.text.includes('true')) throw new Error(`RENAME ${from}: HTTP ${r.status} ${r.text}`);
}

export async function mkdirs(path: string): Promise<void> {
  const r = await call('PUT', url(path, 'MKDIRS'));
  if (r.status !== 200) throw new Error(`MKDIRS ${path}: HTTP ${r.status} ${r.text}`);
}

/** Every file under `path` (outside `.staging`) with its length, then the tree deleted. */
export async function filesAndDelete(path: string): Promise<{ name: string; length: number }[]> {
  const walk = async (dir: string): Promise<{ name: string; length: number }[]> => {
    const r = await call('GET', url(dir, 'LISTSTATUS'));
    if (r.status === 404) return [];
    const statuses = (JSON.parse(r.text) as { FileStatuses: { FileStatus: { pathSuffix: string; type: string; length: number }[] } }).FileStatuses.FileStatus;
    const out: { name: string; length: number }[] = [];
    for (const s of statuses) {
      if (s.type === 'DIRECTORY') {
        if (s.pathSuffix !== '.staging') out.push(...(await walk(`${dir}/${s.pathSuffix}`)));
      } else out.push({ name: s.pathSuffix, length: s.length });
    }
    return out;
  };
  const files = await walk(path);
  await call('DELETE', url(path, 'DELETE', { recursive: 'true' }));
  return files;
}
