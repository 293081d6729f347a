#!/usr/bin/env node
// What each public package would publish, checked against an allow-list: the build (ESM, CJS and their
// declarations), package.json, README.md, LICENSE and CHANGELOG.md. A stray file (a test, a source map, a
// fixture, a .env) fails, and so does a tarball missing its README, LICENSE, CHANGELOG or entry point.
// Usage: node scripts/check-tarballs.mjs [repository root]   (run after `pnpm build`)
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(process.argv[2] ?? join(import.meta.dirname, '..'));

const ALLOWED = [
  /^package\.json$/,
  /^README\.md$/,
  /^LICENSE$/,
  /^CHANGELOG\.md$/,
  /^dist\/[\w.-]+\.(mjs|cjs|d\.mts|d\.cts)$/,
];
const REQUIRED = ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md'];

let failures = 0;
for (const dir of readdirSync(join(root, 'packages'))) {
  const packageDir = join(root, 'packages', dir);
  const manifestPath = join(packageDir, 'package.json');
  if (!existsSync(manifestPath)) continue;
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  if (manifest.private === true) continue;
  const packed = JSON.parse(
    execFileSync('pnpm', ['pack', '--dry-run', '--json'], { cwd: packageDir, encoding: 'utf8' }),
  );
  const files = packed.files.map((f) => f.path);
  const stray = files.filter((file) => !ALLOWED.some((pattern) => pattern.test(file)));
  const missing = REQUIRED.filter((file) => !files.includes(file));
  // Every file an entry point or bin names must be in the tarball.
  const named = [
    manifest.main,
    manifest.types,
    ...Object.values(manifest.bin ?? {}),
    ...entryTargets(manifest.exports),
  ]
    .filter((target) => typeof target === 'string' && target !== './package.json')
    .map((target) => target.replace(/^\.\//, ''))
    .filter((target) => !target.startsWith('src/')); // the workspace-only source condition, stripped at pack time
  const unshipped = [...new Set(named)].filter((target) => !files.includes(target));
  const problems = [
    ...stray.map((file) => `not on the allow-list: ${file}`),
    ...missing.map((file) => `missing: ${file}`),
    ...unshipped.map((file) => `named by the manifest but not packed: ${file}`),
  ];
  failures += problems.length;
  console.log(
    `${problems.length === 0 ? 'ok  ' : 'FAIL'} ${manifest.name}@${manifest.version}: ${files.length} files`,
  );
  for (const problem of problems) console.log(`       ${problem}`);
}

function entryTargets(exports) {
  if (typeof exports === 'string') return [exports];
  if (exports === null || typeof exports !== 'object') return [];
  return Object.values(exports).flatMap(entryTargets);
}

process.exitCode = failures === 0 ? 0 : 1;
