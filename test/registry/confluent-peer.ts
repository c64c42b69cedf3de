import { execFileSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Confluent's Python serdes (confluent_serdes.py beside this file), the independent peer of the
 * Protobuf / JSON Schema tests. The schema files are copied into `dir` (protoc writes its
 * generated classes there). `consume` reads `count` records with the schema files named `schema`
 * (default `reading`; e.g. `sensor` for sensor.proto / sensor.json).
 */
export function confluentPeer(bootstrap: string, registryUrl: string, dir: string) {
  cpSync(join('test', 'registry'), dir, { recursive: true, filter: (source) => !/\.(py|ts)$/.test(source) });
  return (
    mode: 'produce' | 'consume',
    topic: string,
    format: 'protobuf' | 'jsonschema',
    input?: unknown[],
    count?: number,
    schema?: string,
  ): unknown => {
    const args = [join('test', 'registry', 'confluent_serdes.py'), mode, bootstrap, registryUrl, topic, format, dir];
    if (count !== undefined) args.push(String(count));
    if (schema !== undefined) args.push(schema);
    const output = execFileSync('python3', args, {
      encoding: 'utf8',
      timeout: 120_000,
      input: input?.map((r) => JSON.stringify(r)).join('\n') ?? '',
    });
    return mode === 'consume' ? (JSON.parse(output) as unknown) : null;
  };
}
