import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// The packaged app ships `dependencies` in node_modules and nothing else: the main bundle keeps npm
// packages external (scripts/build-electron.mjs), Vite bundles the renderer. So `dependencies` must
// be exactly what the main bundle imports: a missing one crashes the packaged app at start, an extra
// one is dead weight in every installer.

/** "csv-parse/sync" → "csv-parse", "@aws-sdk/lib-storage/x" → "@aws-sdk/lib-storage". */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

async function mainBundleImports(): Promise<string[]> {
  const result = await build({
    entryPoints: ['electron/main/main.ts'],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    write: false,
    metafile: true,
    outfile: 'main.mjs',
    logLevel: 'silent',
  });
  const names = new Set<string>();
  for (const input of Object.values(result.metafile.inputs)) {
    for (const imported of input.imports) {
      if (imported.external && !imported.path.startsWith('node:')) names.add(packageName(imported.path));
    }
  }
  names.delete('electron'); // provided by the Electron runtime itself
  return [...names].sort();
}

describe('runtime dependencies', () => {
  it('are exactly the packages the bundled main process imports', async () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string> };
    expect(Object.keys(pkg.dependencies).sort()).toEqual(await mainBundleImports());
  });
});
