/**
 * The Kafka Connect peers' common part: one standalone worker (Apache Kafka Connect from Maven
 * Central, BENCH_CONNECT_LIB, which bench/run.sh fetches) running one sink connector as a user
 * would — the worker's defaults, the REST listener on an ephemeral port, a connector plugin
 * loaded through `plugin.path` when it is not part of Kafka — watched from outside by reading
 * the target back until it holds every record.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface ConnectPeer {
  /** Scratch directory: the properties files and the worker's offsets file. */
  readonly dir: string;
  readonly broker: string;
  /** The connector's name (a fresh one per run, so its consumer group starts from the beginning). */
  readonly name: string;
  /**
   * The `lib` directory of a connector plugin (services/kafka-connect-<system>/pom.xml, fetched
   * by bench/run.sh); its parent goes on `plugin.path`, so the plugin gets its own class loader.
   */
  readonly pluginLib?: string | undefined;
  /** Worker properties on top of the defaults (String converters for keys and values). */
  readonly worker?: Readonly<Record<string, string>>;
  /** The connector's properties, beside `name` and `tasks.max=1`. */
  readonly connector: Readonly<Record<string, string>>;
  /** Environment variables for the worker's JVM, on top of this process's. */
  readonly env?: Readonly<Record<string, string>>;
  /** Reads the target back: how many of the records it holds now. */
  readonly progress: () => Promise<number> | number;
  /** The count `progress` reaches when every record arrived. */
  readonly target: number;
  /** Pause between two reads of the target, ms (each read waits for the previous one). */
  readonly pollMs: number;
}

export interface ConnectTiming {
  /** performance.now() of the first read that saw records, and of the one that saw them all. */
  readonly firstAt: number;
  readonly lastAt: number;
  /** Target reached to a stopped worker (SIGTERM: the worker commits its offsets and exits). */
  readonly stopMs: number;
  /** Reads of the target made. */
  readonly polls: number;
}

/** Starts the worker, waits until `progress()` reaches `target`, stops the worker. */
export async function runConnectPeer(peer: ConnectPeer): Promise<ConnectTiming> {
  const lib = process.env['BENCH_CONNECT_LIB'];
  if (!lib) throw new Error('BENCH_CONNECT_LIB: the Kafka Connect jars (bench/run.sh sets it)');
  const worker: Record<string, string> = {
    'bootstrap.servers': peer.broker,
    'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'offset.storage.file.filename': join(peer.dir, 'offsets'),
    listeners: 'http://127.0.0.1:0',
    ...(peer.pluginLib && { 'plugin.path': dirname(peer.pluginLib) }),
    ...peer.worker,
  };
  writeProperties(join(peer.dir, 'worker.properties'), worker);
  writeProperties(join(peer.dir, 'connector.properties'), { name: peer.name, 'tasks.max': '1', ...peer.connector });
  writeFileSync(
    join(peer.dir, 'log4j.properties'),
    'log4j.rootLogger=WARN, stderr\nlog4j.appender.stderr=org.apache.log4j.ConsoleAppender\nlog4j.appender.stderr.Target=System.err\n' +
      'log4j.appender.stderr.layout=org.apache.log4j.PatternLayout\nlog4j.appender.stderr.layout.ConversionPattern=[connect] %p %m%n\n',
  );

  const java = spawn(
    'java',
    ['-Xms512m', '-Xmx1g', `-Dlog4j.configuration=file:${join(peer.dir, 'log4j.properties')}`, '-cp', `${lib}/*`, 'org.apache.kafka.connect.cli.ConnectStandalone', join(peer.dir, 'worker.properties'), join(peer.dir, 'connector.properties')],
    { stdio: ['ignore', 'inherit', 'pipe'], env: { ...process.env, ...peer.env } },
  );
  // A task that fails leaves the worker running with nothing to do: watch its log for that, so
  // the case fails at once with the reason instead of waiting for its deadline.
  let taskDied: string | undefined;
  let tail = '';
  java.stderr.on('data', (chunk: Buffer) => {
    process.stderr.write(chunk);
    if (taskDied !== undefined) return;
    tail = (tail + chunk.toString()).slice(-8192);
    const at = tail.indexOf('Task is being killed and will not recover');
    if (at >= 0 && tail.indexOf('\n', tail.indexOf('\n', at) + 1) > 0) taskDied = tail.slice(at).split('\n').slice(0, 2).join(' ');
  });
  let exitCode: number | null | undefined;
  const exited = new Promise<void>((resolve) =>
    java.once('exit', (code) => {
      exitCode = code;
      resolve();
    }),
  );
  let firstAt = 0;
  let lastAt = 0;
  let polls = 0;
  try {
    for (;;) {
      if (exitCode !== undefined) throw new Error(`Kafka Connect exited (${exitCode}) before the target held every record`);
      if (taskDied !== undefined) throw new Error(`the connector's task failed: ${taskDied}`);
      const count = await peer.progress();
      polls++;
      const now = performance.now();
      if (firstAt === 0 && count > 0) firstAt = now;
      if (count >= peer.target) {
        lastAt = now;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, peer.pollMs));
    }
  } finally {
    if (exitCode === undefined) java.kill('SIGTERM');
  }
  const stopping = performance.now();
  await exited;
  return { firstAt, lastAt, stopMs: performance.now() - stopping, polls };
}

function writeProperties(file: string, properties: Readonly<Record<string, string>>): void {
  writeFileSync(file, Object.entries(properties).map(([k, v]) => `${k}=${v.replaceAll('\\', '\\\\')}`).join('\n') + '\n');
}
