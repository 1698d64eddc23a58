/** `/metrics` (Prometheus), `/health` (alive, no pipeline failed) and `/ready` (all pipelines running). */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Metrics } from './metrics.js';
import type { PipelineStatus } from './pipeline.js';

export interface HealthSource {
  statuses(): Record<string, PipelineStatus>;
}

export async function startHttpServer(host: string, port: number, metrics: Metrics, health: HealthSource): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/metrics') {
      metrics.registry.metrics().then(
        (body) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(body),
        (error: Error) => res.writeHead(500).end(error.message),
      );
      return;
    }
    if (path === '/health' || path === '/ready') {
      const pipelines = health.statuses();
      const values = Object.values(pipelines);
      const ok = path === '/health' ? !values.includes('failed') : values.length > 0 && values.every((s) => s === 'running');
      res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: ok ? 'ok' : 'unavailable', pipelines }));
      return;
    }
    res.writeHead(404).end('not found: try /metrics, /health or /ready\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}

export function boundPort(server: Server): number {
  return (server.address() as AddressInfo).port;
}
