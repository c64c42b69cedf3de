import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const repoRoot = import.meta.dirname;

/**
 * The CSP in renderer/index.html forbids inline scripts and styles. The built app needs neither,
 * but the dev server does (React Refresh preamble, CSS injected as <style>), so in `vite dev`
 * only the policy is relaxed. The build keeps the strict policy untouched.
 */
function relaxCspForDevServer(): Plugin {
  return {
    name: 'workbench:dev-csp',
    apply: 'serve',
    transformIndexHtml(html) {
      return html
        .replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
        .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'");
    },
  };
}

export default defineConfig({
  root: resolve(repoRoot, 'renderer'),
  // Electron loads the build from file://, so asset URLs must be relative.
  base: './',
  plugins: [react(), relaxCspForDevServer()],
  build: {
    outDir: resolve(repoRoot, 'dist/renderer'),
    emptyOutDir: true,
    // Never inline assets as data: URIs; fonts as data: would break `font-src 'self'`.
    assetsInlineLimit: 0,
    sourcemap: true,
  },
});
