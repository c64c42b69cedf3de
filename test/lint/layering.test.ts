import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

// The layering rules of eslint.config.js, each shown to fail on a probe that breaks it: a file that
// is not on disk, linted as if it stood at `path` (type-aware rules off for it: it is in no
// tsconfig). A rule that stopped matching would let its probe through and fail here.
const eslint = new ESLint({
  overrideConfig: [{ files: ['**/*.ts', '**/*.tsx'], ...tseslint.configs.disableTypeChecked }],
});

async function messagesFor(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path });
  return (result?.messages ?? [])
    .filter((m) => ['no-restricted-imports', 'import-x/no-restricted-paths', 'no-restricted-syntax'].includes(m.ruleId ?? ''))
    .map((m) => m.message);
}

describe('layering rules', () => {
  it.each([
    ['electron/engine/probe.ts', "import { app } from '../main/main.js';", /engine imports only shared/],
    ['electron/engine/pipelines/probe.ts', "import { startServer } from '../../serve/server.js';", /engine imports only shared/],
    ['electron/engine/probe.ts', "import '../cli/cli.js';", /engine imports only shared/],
    ['electron/engine/probe.ts', "import { useState } from 'react';", /UI libraries belong to the renderer/],
    ['electron/engine/probe.ts', "import { app } from 'electron';", /never imports Electron/],
    ['electron/engine/probe.ts', "import '../../renderer/main.js';", /engine imports only shared/],
    ['electron/serve/probe.ts', "import { app } from 'electron';", /only electron\/main and electron\/preload import Electron/],
    ['electron/serve/probe.ts', "import '../main/main.js';", /serve imports the engine and shared/],
    ['electron/cli/probe.ts', "import '../serve/server.js';", /cli imports the engine and shared/],
    ['electron/main/probe.ts', "import '../serve/server.js';", /main imports the engine and shared/],
    ['electron/main/probe.ts', "import { createRoot } from 'react-dom/client';", /UI libraries belong to the renderer/],
    ['electron/preload/probe.ts', "import { createEngine } from '../engine/create-engine.js';", /never the engine/],
    [
      'shared/probe.ts',
      "import { createEngine } from '../electron/engine/create-engine.js';",
      /shared\/ (is the contract|imports only shared)/,
    ],
    ['shared/probe.ts', "import { readFileSync } from 'node:fs';", /no Node modules/],
    ['renderer/probe.ts', "import { createEngine } from '../electron/engine/create-engine.js';", /only through the contract/],
    ['renderer/probe.ts', "import { readFileSync } from 'node:fs';", /no Node modules/],
    [
      'electron/engine/topics/probe.ts',
      "import { Admin } from '@platformatic/kafka';",
      /Only electron\/engine\/kafka\/ imports the Kafka client/,
    ],
  ])('%s: %s is refused', async (path, code, message) => {
    const messages = await messagesFor(path, code);
    expect(
      messages.some((m) => message.test(m)),
      messages.join('\n') || 'no layering error',
    ).toBe(true);
  });

  it.each([
    ['electron/main/probe.ts', "import { createEngine } from '../engine/create-engine.js';"],
    ['electron/serve/probe.ts', "import { createEngine } from '../engine/create-engine.js';"],
    ['electron/engine/probe.ts', "import { WorkbenchError } from '../../shared/errors.js';"],
    ['renderer/probe.ts', "import { WorkbenchError } from '../shared/errors.js';"],
    ['electron/preload/probe.ts', "import { contextBridge } from 'electron';"],
  ])('%s: %s is allowed', async (path, code) => {
    expect(await messagesFor(path, code)).toEqual([]);
  });
});

describe('SQL only in electron/engine/store/', () => {
  it.each([
    ['electron/engine/pipelines/probe.ts', "export const f = (db) => db.prepare('SELECT spec_json FROM pipelines WHERE id = ?');"],
    ['electron/engine/metrics/probe.ts', 'export const f = (db, t) => db.exec(`CREATE TABLE "${t}" (id TEXT)`);'],
    ['electron/engine/exports/probe.ts', "export const f = (db) => db.pragma('synchronous = FULL');"],
    ['electron/serve/probe.ts', "export const sql = 'DELETE FROM sessions WHERE token = ?';"],
    ['electron/engine/geo/probe.ts', 'export const sql = `UPDATE producers SET state = ? WHERE id = ?`;'],
    ['electron/engine/sinks/postgres/probe.ts', "export const f = (db) => db.prepare('SELECT 1');"],
  ])('%s: %s is refused', async (path, code) => {
    const messages = await messagesFor(path, code);
    expect(
      messages.some((m) => /SQL belongs in electron\/engine\/store/.test(m)),
      messages.join('\n') || 'no error',
    ).toBe(true);
  });

  it.each([
    ['electron/engine/store/probe.ts', "export const f = (db) => db.prepare('SELECT spec_json FROM pipelines WHERE id = ?');"],
    ['renderer/probe.tsx', "export const label = 'Select a topic';"],
    ['electron/engine/sinks/postgres/probe.ts', "export const sql = 'SELECT column_name FROM information_schema.columns';"],
    ['electron/engine/topics/probe.ts', 'export const found = (text) => /x/.exec(text);'],
  ])('%s: %s is allowed', async (path, code) => {
    expect(await messagesFor(path, code)).toEqual([]);
  });
});
