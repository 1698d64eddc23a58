#!/usr/bin/env node
/**
 * sinkhub command line. Exit codes:
 *   0  done (a run stopped by SIGTERM/SIGINT drained and committed)
 *   1  a pipeline failed, could not start, or did not drain within --shutdown-timeout
 *   2  the pipeline file or the command line is invalid (nothing was connected)
 */
import { writeFile } from 'node:fs/promises';
import { Command, CommanderError, Option } from 'commander';
import { loadPipelineFile } from './config/load.js';
import { ConfigError } from './config/problems.js';
import { connectorMarkdown, connectorText, pipelineFileJsonSchema } from './docs.js';
import { Hub } from './hub.js';
import { createLogger } from './logger.js';
import { ConnectorRegistry } from './registry.js';

export const EXIT = { ok: 0, failed: 1, invalid: 2 } as const;

async function run(file: string, opts: { shutdownTimeout: number }): Promise<number> {
  const registry = await ConnectorRegistry.discover();
  const config = await loadPipelineFile(file, { registry });
  const logger = createLogger(config.log_level);
  // A stop signal that comes while starting (connecting can take seconds) is kept and honoured
  // once started: the default action would end the process without the clean stop (exit 0).
  // One listener for the whole run: removing the last one drops a signal not yet dispatched.
  let early: NodeJS.Signals | undefined;
  let onSignal = (signal: NodeJS.Signals) => void (early ??= signal);
  const dispatch = (signal: NodeJS.Signals) => onSignal(signal);
  process.on('SIGTERM', dispatch);
  process.on('SIGINT', dispatch);
  let hub: Hub;
  try {
    hub = await Hub.start(config, { registry, logger });
  } catch (error) {
    logger.fatal({ err: (error as Error).message }, 'could not start');
    logger.flush();
    return EXIT.failed;
  }
  return new Promise<number>((resolve) => {
    let stopping = false;
    let firstSignalAt = 0;
    onSignal = (signal: NodeJS.Signals) => {
      // A terminal or supervisor often delivers one stop twice (to the group and the child).
      if (stopping && Date.now() - firstSignalAt < 2000) return;
      if (stopping) {
        logger.warn({ signal }, 'second signal: abandoning in-flight work uncommitted');
        void hub.halt().then(() => resolve(EXIT.failed));
        return;
      }
      stopping = true;
      firstSignalAt = Date.now();
      logger.info({ signal, timeout_ms: opts.shutdownTimeout }, 'stopping: draining, publishing and committing');
      const timer = setTimeout(() => {
        logger.error('graceful stop overran its time; abandoning in-flight work uncommitted');
        void hub.halt().then(() => resolve(EXIT.failed));
      }, opts.shutdownTimeout);
      void hub.stop().then(() => {
        clearTimeout(timer);
        hub.done.then(() => resolve(EXIT.ok), () => resolve(EXIT.failed));
      });
    };
    if (early) onSignal(early);
    hub.done.catch(async () => {
      if (stopping) return;
      stopping = true;
      await hub.stop();
      resolve(EXIT.failed);
    });
  }).finally(() => logger.flush());
}

async function validate(file: string): Promise<number> {
  const registry = await ConnectorRegistry.discover();
  const config = await loadPipelineFile(file, { registry });
  process.stdout.write(`${file}: valid (${config.pipelines.map((p) => `${p.name} → ${p.sink.type}, ${p.delivery}`).join('; ')})\n`);
  return EXIT.ok;
}

async function connectors(opts: { markdown?: boolean; json?: boolean }): Promise<number> {
  const list = (await ConnectorRegistry.discover()).list();
  if (opts.json) process.stdout.write(JSON.stringify(list.map((c) => ({ name: c.name, summary: c.summary, guarantee: c.guarantee.summary })), null, 2) + '\n');
  else process.stdout.write(list.map(opts.markdown ? connectorMarkdown : connectorText).join('\n\n') + '\n');
  return EXIT.ok;
}

async function schema(opts: { out?: string }): Promise<number> {
  const text = JSON.stringify(pipelineFileJsonSchema((await ConnectorRegistry.discover()).list()), null, 2) + '\n';
  if (opts.out) await writeFile(opts.out, text);
  else process.stdout.write(text);
  return EXIT.ok;
}

export function buildProgram(exit: (code: number) => void): Command {
  const program = new Command('sinkhub')
    .description('Move data from Kafka topics into sinks, as YAML-configured pipelines.')
    .addHelpText('after', '\nExit codes: 0 done, 1 a pipeline failed or did not drain in time, 2 invalid file or usage.')
    .exitOverride()
    .showHelpAfterError();
  const done = (p: Promise<number>) => p.then(exit, (error) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n${error.problems.length} problem(s); nothing was started.\n`);
      exit(EXIT.invalid);
    } else {
      process.stderr.write(`sinkhub: ${(error as Error).stack ?? error}\n`);
      exit(EXIT.failed);
    }
  });
  program
    .command('run')
    .description('Run the pipelines of a file until SIGTERM/SIGINT or a failure.')
    .argument('<file>', 'pipeline file (YAML)')
    .addOption(new Option('--shutdown-timeout <ms>', 'time to drain and commit on SIGTERM').default(30_000).argParser(Number))
    .action((file: string, opts: { shutdownTimeout: number }) => done(run(file, opts)));
  program
    .command('validate')
    .description('Check a pipeline file without connecting to anything.')
    .argument('<file>', 'pipeline file (YAML)')
    .action((file: string) => done(validate(file)));
  program
    .command('connectors')
    .description('List the available connectors with their options and guarantees.')
    .option('--markdown', 'as Markdown (the README tables)')
    .option('--json', 'as JSON')
    .action((opts) => done(connectors(opts)));
  program
    .command('schema')
    .description('Print the JSON Schema of pipeline files, for editor completion.')
    .option('-o, --out <file>', 'write to a file instead of standard output')
    .action((opts) => done(schema(opts)));
  return program;
}

const exit = (code: number) => {
  process.exitCode = code;
  // Let pending log writes finish; kafkajs timers must not keep the process alive.
  setTimeout(() => process.exit(code), 100).unref();
};
try {
  await buildProgram(exit).parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) exit(error.exitCode === 0 ? EXIT.ok : EXIT.invalid);
  else throw error;
}
