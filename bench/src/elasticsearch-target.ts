/** The benchmark's Elasticsearch (services/elasticsearch.sh): counting documents back. */
import type { Client } from '@elastic/elasticsearch';

export const ELASTICSEARCH_URL = process.env['ELASTICSEARCH_URL'] ?? 'http://127.0.0.1:9200';

/** Documents in `index`, then the index deleted. */
export async function countAndDrop(client: Client, index: string): Promise<number> {
  await client.indices.refresh({ index });
  const { count } = await client.count({ index });
  await client.indices.delete({ index });
  return count;
}
