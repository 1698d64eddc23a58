/** An Elasticsearch client for the suites: reading documents back. */
import { Client } from '@elastic/elasticsearch';
import { ELASTICSEARCH_URL, hostPort } from './env.js';

export const elasticsearchServer = { name: 'Elasticsearch', address: hostPort(ELASTICSEARCH_URL), service: 'elasticsearch' };

let client: Client | undefined;
export function es(): Client {
  client ??= new Client({ node: ELASTICSEARCH_URL, maxRetries: 0, requestTimeout: 30_000 });
  return client;
}

export async function closeEs(): Promise<void> {
  await client?.close();
  client = undefined;
}

/**
 * The values of `field` over every document of `index`, one entry per document (duplicates
 * included), from a terms aggregation; none while the index does not exist.
 */
export async function fieldValues(index: string, field: string): Promise<number[]> {
  try {
    await es().indices.refresh({ index });
    const response = await es().search({ index, size: 0, aggs: { v: { terms: { field, size: 65_000 } } } });
    const buckets = (response.aggregations?.['v'] as { buckets: { key: number; doc_count: number }[] }).buckets;
    return buckets.flatMap((b) => Array.from({ length: b.doc_count }, () => Number(b.key)));
  } catch (error) {
    if ((error as { meta?: { statusCode?: number } }).meta?.statusCode === 404) return [];
    throw error;
  }
}

export async function docCount(index: string): Promise<number> {
  try {
    await es().indices.refresh({ index });
    return (await es().count({ index })).count;
  } catch (error) {
    if ((error as { meta?: { statusCode?: number } }).meta?.statusCode === 404) return 0;
    throw error;
  }
}
