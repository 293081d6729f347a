#!/usr/bin/env node
// Type-checks every ```ts / ```typescript block of the documentation users learn from: the root README, every
// package README and docs/**/*.md (not the generated docs/api, not the HTTP contract, which is shared text).
//
// Each block becomes one module under .doc-samples/ (gitignored) and all of them are checked by one
// TypeScript program: --strict, ESM with bundler resolution, @portcullis/* read from the workspace sources
// through the "@portcullis/source" export condition (no build needed), third-party packages from the
// workspace's own node_modules. A block that is deliberately a fragment says so on its fence
// (```ts fragment) or with `<!-- not-checked: reason -->` on the line before it; keep those rare.
//
// Usage: node scripts/check-doc-samples.mjs [--json]
// Prints each failing sample as `file:line: TSxxxx message` and exits 1 when any fails.
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, '.doc-samples');
const SAMPLES = join(OUT, 'samples');
const EXCLUDED = new Set(['docs/demo-http-contract.md']);
const EXCLUDED_DIRS = new Set(['docs/api', 'docs/.vitepress', 'node_modules']);

/** The Markdown files whose samples are checked, relative to the repository root, '/'-separated. */
export function documentationFiles() {
  const files = ['README.md'];
  for (const entry of readdirSync(join(ROOT, 'packages'), { withFileTypes: true })) {
    if (entry.isDirectory() && existsSync(join(ROOT, 'packages', entry.name, 'README.md')))
      files.push(`packages/${entry.name}/README.md`);
  }
  const walk = (dir) => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!EXCLUDED_DIRS.has(path) && !entry.name.startsWith('.')) walk(path);
      } else if (entry.name.endsWith('.md') && !EXCLUDED.has(path)) files.push(path);
    }
  };
  if (existsSync(join(ROOT, 'docs'))) walk('docs');
  return files.sort();
}

const OPEN = /^(\s*)(`{3,}|~{3,})\s*(ts|typescript)(?:\s+(.*))?$/;
const NOT_CHECKED = /^\s*<!--\s*not-checked:/;

/**
 * The TypeScript blocks of one Markdown text: `{ line, code, fragment }`, `line` being the 1-based line of the
 * opening fence. A block inside a list item loses the item's indentation.
 */
export function extractSamples(markdown) {
  const lines = markdown.split('\n');
  const samples = [];
  let previous = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const open = OPEN.exec(line);
    if (open === null) {
      // Skip other fenced blocks whole, so a ```ts line quoted inside one is not taken for a sample.
      const other = /^(\s*)(`{3,}|~{3,})/.exec(line);
      if (other !== null) {
        const fence = other[2];
        i++;
        while (i < lines.length && !lines[i].trim().startsWith(fence)) i++;
      }
      if (line.trim() !== '') previous = line;
      continue;
    }
    const [, indent, fence, , info = ''] = open;
    const body = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      if (
        lines[j].trim().startsWith(fence[0].repeat(fence.length)) &&
        lines[j].trim().replace(/[`~]/g, '') === ''
      )
        break;
      body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j].trimStart());
    }
    const fragment = /\bfragment\b/.test(info) || NOT_CHECKED.test(previous);
    samples.push({ line: i + 1, code: body.join('\n'), fragment });
    previous = '';
    i = j;
  }
  return samples;
}

/**
 * .doc-samples/node_modules: @portcullis/* → the workspace packages, everything else → the first workspace
 * package (or the root) that has it installed, so that samples import express, fastify, hono, Nest, pg,
 * ioredis… as an application would.
 */
function linkModules() {
  const target = join(OUT, 'node_modules');
  mkdirSync(target, { recursive: true });
  const links = new Map();
  const add = (name, path) => {
    if (!links.has(name)) links.set(name, path);
  };
  const groups = ['packages', 'apps'].filter((group) => existsSync(join(ROOT, group)));
  for (const group of groups) {
    for (const entry of readdirSync(join(ROOT, group), { withFileTypes: true })) {
      const manifest = join(ROOT, group, entry.name, 'package.json');
      if (!entry.isDirectory() || !existsSync(manifest)) continue;
      const { name } = JSON.parse(readFileSync(manifest, 'utf8'));
      if (typeof name === 'string' && name.startsWith('@portcullis/'))
        add(name, join(ROOT, group, entry.name));
    }
  }
  const installedIn = (modules) => {
    if (!existsSync(modules)) return;
    for (const entry of readdirSync(modules, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      if (entry.name.startsWith('@')) {
        for (const scoped of readdirSync(join(modules, entry.name)))
          add(`${entry.name}/${scoped}`, join(modules, entry.name, scoped));
      } else add(entry.name, join(modules, entry.name));
    }
  };
  installedIn(join(ROOT, 'node_modules'));
  for (const group of groups)
    for (const entry of readdirSync(join(ROOT, group), { withFileTypes: true }))
      if (entry.isDirectory()) installedIn(join(ROOT, group, entry.name, 'node_modules'));
  for (const [name, path] of links) {
    const link = join(target, name);
    if (existsSync(link)) continue;
    mkdirSync(dirname(link), { recursive: true });
    try {
      symlinkSync(path, link, 'dir');
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
  }
}

export const COMPILER_OPTIONS = {
  strict: true,
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2023.d.ts'],
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  moduleDetection: ts.ModuleDetectionKind.Force,
  customConditions: ['@portcullis/source'],
  types: ['node'],
  esModuleInterop: true,
  resolveJsonModule: true,
  skipLibCheck: true,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  noEmit: true,
};

/** Checks every sample; resolves `{ checked, fragments, failures: [{ file, line, code, message }] }`. */
export function checkDocSamples() {
  const samples = [];
  let fragments = 0;
  for (const file of documentationFiles()) {
    for (const sample of extractSamples(readFileSync(join(ROOT, file), 'utf8'))) {
      if (sample.fragment) fragments++;
      else samples.push({ file, ...sample });
    }
  }
  rmSync(SAMPLES, { recursive: true, force: true });
  mkdirSync(SAMPLES, { recursive: true });
  linkModules();
  const byPath = new Map();
  for (const sample of samples) {
    const name = `${sample.file.replaceAll('/', '__').replace(/\.md$/, '')}__L${sample.line}.ts`;
    const path = join(SAMPLES, name);
    writeFileSync(path, `${sample.code}\n`);
    byPath.set(path, sample);
  }
  const program = ts.createProgram({
    rootNames: [...byPath.keys()],
    options: { ...COMPILER_OPTIONS, typeRoots: [join(OUT, 'node_modules', '@types')] },
  });
  const failures = [];
  for (const [path, sample] of byPath) {
    const source = program.getSourceFile(path);
    const diagnostics = [
      ...program.getSyntacticDiagnostics(source),
      ...program.getSemanticDiagnostics(source),
    ];
    for (const diagnostic of diagnostics) {
      const { line } =
        diagnostic.start === undefined ? { line: 0 } : source.getLineAndCharacterOfPosition(diagnostic.start);
      failures.push({
        file: sample.file,
        // The fence is on sample.line; the sample's first line is the next one.
        line: sample.line + 1 + line,
        code: `TS${diagnostic.code}`,
        message: ts.flattenDiagnosticMessageText(diagnostic.messageText, ' '),
      });
    }
  }
  failures.push(...guideDrift());
  return { checked: samples.length, fragments, failures };
}

/** The first ```ts block after a `## Quick start` heading, with the line of its fence. */
function quickStart(file) {
  const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
  const heading = lines.findIndex((line) => /^## Quick start\s*$/.test(line));
  const open = lines.findIndex(
    (line, i) => heading >= 0 && i > heading && /^```(ts|typescript)\b/.test(line),
  );
  const close = lines.findIndex((line, i) => open >= 0 && i > open && /^```\s*$/.test(line));
  return open < 0 || close < 0
    ? undefined
    : { line: open + 1, code: lines.slice(open + 1, close).join('\n') };
}

/** Each framework guide (docs/guide/<package>.md) repeats its package README's quick start exactly. */
function guideDrift() {
  const failures = [];
  const guides = join(ROOT, 'docs/guide');
  if (!existsSync(guides)) return failures;
  for (const entry of readdirSync(guides)) {
    const name = entry.replace(/\.md$/, '');
    const readme = `packages/${name}/README.md`;
    if (!existsSync(join(ROOT, readme))) continue;
    const guide = quickStart(`docs/guide/${entry}`);
    const original = quickStart(readme);
    if (guide === undefined || original === undefined || guide.code !== original.code)
      failures.push({
        file: `docs/guide/${entry}`,
        line: guide?.line ?? 1,
        code: 'quick-start',
        message: `differs from the quick start of ${readme}: copy it verbatim`,
      });
  }
  return failures;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  const result = checkDocSamples();
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(result));
  } else {
    for (const failure of result.failures)
      console.log(`${failure.file}:${failure.line}: ${failure.code} ${failure.message}`);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `${result.checked} samples checked, ${result.fragments} marked as fragments, ${result.failures.length} errors (${seconds} s)`,
    );
  }
  process.exitCode = result.failures.length === 0 ? 0 : 1;
}
