/** CI step: resolve S3Proxy's jars (the suite's S3-compatible server) into the cache before the tests. */
import { ensureS3ProxyJars } from '../test/s3-server.js';

const libs = await ensureS3ProxyJars();
process.stdout.write(`[s3proxy] jars in ${libs}\n`);
