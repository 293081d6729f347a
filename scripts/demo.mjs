#!/usr/bin/env node
// `pnpm demo [express|fastify|hono|nest]`: starts one demo app from source (Hono by default) on
// http://127.0.0.1:3000 with the embedded PGlite store — nothing to install beyond `pnpm install`.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const FRAMEWORKS = ['express', 'fastify', 'hono', 'nest'];
const framework = process.argv.slice(2).find((arg) => arg !== '--') ?? 'hono';
if (!FRAMEWORKS.includes(framework)) {
  console.error(`unknown demo "${framework}"; choose one of: ${FRAMEWORKS.join(', ')}`);
  process.exit(2);
}
const dir = new URL(`../apps/${framework}-demo/`, import.meta.url);
if (!existsSync(new URL('node_modules', dir))) {
  console.error('dependencies are not installed: run `npx -y pnpm@12.4.2 install` first');
  process.exit(1);
}
// DATA_DIR defaults to ./.data/<framework> from the repository root (the app itself runs in its own folder).
const env = {
  ...process.env,
  DATA_DIR: process.env.DATA_DIR ?? fileURLToPath(new URL(`../.data/${framework}`, import.meta.url)),
};
const child = spawn('pnpm', ['--silent', 'start'], { cwd: dir, stdio: 'inherit', env });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
