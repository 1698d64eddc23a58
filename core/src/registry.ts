/**
 * Which connectors exist. Built-in sinks are always there; packages declare themselves in
 * their package.json (`"sinkhub": { "connector": "./dist/src/index.js" }`) and export the
 * definition as default. Nothing registers itself by being imported.
 */
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ConnectorDefinition } from './connector.js';
import { fileSink } from './sinks/file/index.js';
import { stdoutSink } from './sinks/stdout.js';

export class ConnectorRegistry {
  private readonly byName = new Map<string, ConnectorDefinition>();

  constructor(definitions: readonly ConnectorDefinition[] = []) {
    for (const definition of definitions) this.register(definition);
  }

  register(definition: ConnectorDefinition): void {
    const existing = this.byName.get(definition.name);
    if (existing && existing !== definition) throw new Error(`two connectors are named "${definition.name}"`);
    this.byName.set(definition.name, definition);
  }

  get(name: string): ConnectorDefinition | undefined {
    return this.byName.get(name);
  }

  list(): ConnectorDefinition[] {
    return [...this.byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  static builtIn(): readonly ConnectorDefinition[] {
    return BUILT_IN;
  }

  /** Built-ins plus every connector package in a node_modules above `from` or above the core. */
  static async discover(from: string = process.cwd()): Promise<ConnectorRegistry> {
    const registry = new ConnectorRegistry(BUILT_IN);
    const seen = new Set<string>();
    for (const start of [from, dirname(fileURLToPath(import.meta.url))]) {
      for (const modules of ancestors(start).map((dir) => join(dir, 'node_modules'))) {
        for (const packageDir of await connectorPackageDirs(modules)) {
          const real = resolve(packageDir);
          if (seen.has(real)) continue;
          seen.add(real);
          const definition = await loadConnectorPackage(real);
          if (definition) registry.register(definition);
        }
      }
    }
    return registry;
  }
}

export const BUILT_IN: readonly ConnectorDefinition[] = [stdoutSink, fileSink] as ConnectorDefinition[];

function ancestors(dir: string): string[] {
  const out: string[] = [];
  for (let d = resolve(dir); ; d = dirname(d)) {
    out.push(d);
    if (dirname(d) === d) return out;
  }
}

async function connectorPackageDirs(modules: string): Promise<string[]> {
  const dirs: string[] = [];
  const entries = await readdir(modules, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (entry.name === '@sinkhub') {
      const scoped = await readdir(join(modules, entry.name)).catch(() => []);
      dirs.push(...scoped.map((name) => join(modules, entry.name, name)));
    } else if (entry.name.startsWith('sinkhub-connector-')) {
      dirs.push(join(modules, entry.name));
    }
  }
  return dirs;
}

async function loadConnectorPackage(dir: string): Promise<ConnectorDefinition | undefined> {
  let manifest: { name?: string; sinkhub?: { connector?: string } };
  try {
    manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
  } catch {
    return undefined;
  }
  const entry = manifest.sinkhub?.connector;
  if (!entry) return undefined;
  const module = (await import(pathToFileURL(join(dir, entry)).href)) as { default?: ConnectorDefinition };
  const definition = module.default;
  if (!definition || typeof definition.name !== 'string' || typeof definition.create !== 'function') {
    throw new Error(`${manifest.name ?? dir}: ${entry} has no connector definition as its default export`);
  }
  return definition;
}
