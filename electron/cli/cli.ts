/**
 * `npm run cli -- <domain> …`: one entry point for the headless commands. Each domain's module runs
 * its own `main` when imported, reading `process.argv` itself.
 */
export {};

const USAGE = `usage: npm run cli -- pipeline list|run|batch … [--data-dir D]
       npm run cli -- producer list|start|stop|pause|resume … [--data-dir D]`;

const domain = process.argv[2];
if (domain === 'pipeline') {
  await import('./pipeline-cli.js');
} else if (domain === 'producer') {
  await import('../engine/producers/cli.js');
} else {
  process.stderr.write(`${USAGE}\n`);
  process.exitCode = 2;
}
