// Runs @doyensec/electronegativity over electron/ and fails on any finding of medium severity or
// above. Its release-list download does not work offline, so the Electron version is passed in.
// Accepted low finding: CSP_GLOBAL_CHECK "Failed to parse CSP" — the policy is the constant in
// shared/csp.ts, imported by main.ts, and the tool only parses string literals.
// Excluded, after review:
// - PRELOAD_JS_CHECK ("review the use of preload scripts"): our preload exposes exactly the contract,
//   grouped by domain, never ipcRenderer itself (electron/preload/preload.ts; tested in ipc-binding.test.ts).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';

const require = createRequire(import.meta.url);
const electronVersion = require('electron/package.json').version;
const dir = mkdtempSync(join(tmpdir(), 'eneg-'));
const out = join(dir, 'findings.csv');
const cli = require.resolve('@doyensec/electronegativity/dist/index.js');
const run = spawnSync(process.execPath, [cli, '-i', 'electron/', '-s', 'medium', '-e', electronVersion, '-r', '-x', 'PreloadJSCheck', '-o', out], {
  encoding: 'utf8',
});
let findings = [];
try {
  findings = parse(readFileSync(out, 'utf8'), { columns: true, trim: true, skip_empty_lines: true });
} catch {
  console.error(run.stdout, run.stderr);
  console.error('electronegativity: no report was written');
  process.exit(1);
}
rmSync(dir, { recursive: true, force: true });
const line = (f) => `${f.issue} ${f.severity}/${f.confidence} ${f.filename}:${f.location} ${f.description}`;
for (const f of findings.filter((f) => f.severity === 'LOW' || f.severity === 'INFORMATIONAL')) console.log(`accepted: ${line(f)}`);
const serious = findings.filter((f) => !['LOW', 'INFORMATIONAL'].includes(f.severity));
if (serious.length > 0) {
  console.error(`electronegativity: ${serious.length} finding(s) of medium severity or above:\n${serious.map(line).join('\n')}`);
  process.exit(1);
}
console.log(`electronegativity (Electron ${electronVersion}): no findings of medium severity or above in electron/`);
