/**
 * Child process for exports-local.test.ts: exports sensor rows to Parquet in a folder without ever
 * finishing, printing "progress <bytes>" after each row group so the parent knows when to SIGKILL it.
 */
import { createWriter } from '../../electron/engine/exports/writers/create-writer.js';
import { openLocalOutput } from '../../electron/engine/exports/targets/local-folder.js';
import { sensorColumns, sensorRows } from './exports-fixtures.js';

const [folder, name] = process.argv.slice(2);
if (!folder || !name) throw new Error('usage: exports-kill-child.ts <folder> <file>');
const output = await openLocalOutput(folder, name);
const writer = createWriter({ kind: 'parquet', codec: 'snappy', timestampUnit: 'ms', rowGroupRows: 1000 }, sensorColumns, output.sink);
for (let start = 0; ; start += 1000) {
  await writer.write(sensorRows(1000, start));
  process.stdout.write(`progress ${writer.bytesWritten}\n`);
  await new Promise((resolve) => setTimeout(resolve, 20));
}
