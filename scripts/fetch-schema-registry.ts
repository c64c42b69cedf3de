/** CI step: build the suite's schema registry (Apicurio Registry, from Maven Central) into the cache before the tests. */
import { ensureSchemaRegistryApp } from '../test/schema-registry-server.js';

const app = await ensureSchemaRegistryApp();
process.stdout.write(`[schema-registry] app in ${app}\n`);
