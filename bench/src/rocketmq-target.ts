/**
 * RocketMQ for the bench: a topic per case, created with the tools (`services/rocketmq.sh topic`),
 * and counted afterwards from the broker's queue offsets (`topicStatus`), so the read-back costs
 * no consumer. Committed transactional messages count; half messages are in a system topic.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const ROCKETMQ_ENDPOINTS = process.env['ROCKETMQ_ENDPOINTS'] ?? '127.0.0.1:8081';
const NAMESRV = process.env['ROCKETMQ_NAMESRV'] ?? '127.0.0.1:9876';
const SCRIPT = fileURLToPath(new URL('../../../integration-tests/services/rocketmq.sh', import.meta.url));
const run = promisify(execFile);

export async function createRocketTopic(topic: string, type: 'NORMAL' | 'TRANSACTION', queues = 4): Promise<void> {
  await run('bash', [SCRIPT, 'topic', topic, type, String(queues)], { timeout: 120_000 });
}

/** Messages stored in `topic`: the sum of its queues' max offsets (a fresh topic starts at 0). */
export async function countMessages(topic: string): Promise<number> {
  const { stdout } = await run('bash', [SCRIPT, 'admin', 'topicStatus', '-n', NAMESRV, '-t', topic], { timeout: 120_000 });
  let total = 0;
  for (const line of stdout.split('\n')) {
    const m = /^\S+\s+\d+\s+(\d+)\s+(\d+)\s/.exec(line);
    if (m) total += Number(m[2]) - Number(m[1]);
  }
  return total;
}
