/** The README's connector sections are generated from the declarations; they must not drift. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { connectorMarkdown, pipelineFileJsonSchema } from '../src/docs.js';
import { ConnectorRegistry } from '../src/registry.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

test('README connector sections match `sinkhub connectors --markdown`', async () => {
  const readme = readFileSync(`${root}README.md`, 'utf8');
  const start = '<!-- connectors:start -->';
  const section = readme.slice(readme.indexOf(start) + start.length, readme.indexOf('<!-- connectors:end -->')).trim();
  const generated = (await ConnectorRegistry.discover(root)).list().map(connectorMarkdown).join('\n\n').trim();
  assert.equal(section, generated, 'run `npm run docs` to regenerate README.md');
});

test('pipeline.schema.json matches `sinkhub schema`', async () => {
  const committed = JSON.parse(readFileSync(`${root}pipeline.schema.json`, 'utf8'));
  const generated = JSON.parse(JSON.stringify(pipelineFileJsonSchema((await ConnectorRegistry.discover(root)).list())));
  assert.deepEqual(committed, generated, 'run `npm run docs` to regenerate pipeline.schema.json');
});
