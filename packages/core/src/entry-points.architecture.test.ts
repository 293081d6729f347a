import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// How the other published packages reach core. A framework adapter is built from `@portcullis/core` (what it
// shares with applications) and `@portcullis/core/adapter` (its plumbing) only, so that core's internals can
// move between subpaths without an adapter noticing. Every other package imports only the entry points core's
// package.json `exports` declares (and README.md lists): never a file path, never `dist/` or `src/`.

const PACKAGES = new URL('../../', import.meta.url).pathname;
const ADAPTERS = ['express', 'fastify', 'hono', 'nestjs'];
const OTHERS = ['mail', 'otel', 'postgres', 'redis', 'testkit'];
const ADAPTER_ENTRY_POINTS = ['@portcullis/core', '@portcullis/core/adapter'];

const manifest = JSON.parse(readFileSync(join(PACKAGES, 'core/package.json'), 'utf8')) as {
  exports: Record<string, unknown>;
};
const ENTRY_POINTS = Object.keys(manifest.exports)
  .filter((subpath) => subpath !== './package.json')
  .map((subpath) => (subpath === '.' ? '@portcullis/core' : `@portcullis/core/${subpath.slice(2)}`));

/** The sources its build is made from: `src/` less tests, type tests and `src/testing/`. */
function publishedSources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'testing' ? [] : publishedSources(path);
    return /\.tsx?$/.test(name) && !/\.test(-d)?\.ts$/.test(name) ? [path] : [];
  });
}

/** Every static, dynamic and type-only import of core, and nothing in comments or strings. */
function coreImports(file: string): string[] {
  return ts
    .preProcessFile(readFileSync(file, 'utf8'), true, true)
    .importedFiles.map((f) => f.fileName)
    .filter((spec) => spec === '@portcullis/core' || spec.startsWith('@portcullis/core/'));
}

function offenders(packageName: string, allowed: readonly string[]): string[] {
  return publishedSources(join(PACKAGES, packageName, 'src')).flatMap((file) =>
    coreImports(file)
      .filter((spec) => !allowed.includes(spec))
      .map((spec) => `${file.slice(PACKAGES.length)}: ${spec}`),
  );
}

describe('how published packages import core', () => {
  it.each(ADAPTERS)('@portcullis/%s imports @portcullis/core and @portcullis/core/adapter only', (name) => {
    expect(existsSync(join(PACKAGES, name, 'src'))).toBe(true);
    expect(offenders(name, ADAPTER_ENTRY_POINTS)).toEqual([]);
  });

  it.each(OTHERS)('@portcullis/%s imports only entry points core publishes', (name) => {
    expect(existsSync(join(PACKAGES, name, 'src'))).toBe(true);
    expect(offenders(name, ENTRY_POINTS)).toEqual([]);
  });

  it('@portcullis/hono takes only types from the root, which composes argon2: an edge runtime has no addons', () => {
    const valueImportsOfRoot = publishedSources(join(PACKAGES, 'hono/src')).filter((file) => {
      const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
      return source.statements.some(
        (statement) =>
          ts.isImportDeclaration(statement) &&
          ts.isStringLiteral(statement.moduleSpecifier) &&
          statement.moduleSpecifier.text === '@portcullis/core' &&
          statement.importClause?.isTypeOnly !== true,
      );
    });
    expect(valueImportsOfRoot).toEqual([]);
  });

  it('finds the imports it checks (a rule that matches nothing would pass for the wrong reason)', () => {
    const express = publishedSources(join(PACKAGES, 'express/src')).flatMap(coreImports);
    expect(express).toContain('@portcullis/core');
    expect(express).toContain('@portcullis/core/adapter');
    const postgres = publishedSources(join(PACKAGES, 'postgres/src')).flatMap(coreImports);
    expect(postgres).toContain('@portcullis/core/stores');
  });

  it("lists every entry point in core's README", () => {
    const readme = readFileSync(join(PACKAGES, 'core/README.md'), 'utf8');
    const missing = ENTRY_POINTS.filter((spec) => !readme.includes(`\`${spec}\``));
    expect(missing).toEqual([]);
  });

  it('gives every entry point a page in the API reference (docs/typedoc.json)', () => {
    const typedoc = JSON.parse(readFileSync(join(PACKAGES, '../docs/typedoc.json'), 'utf8')) as {
      entryPoints: string[];
    };
    const sources = Object.values(manifest.exports as Record<string, Record<string, string>>)
      .map((target) => target['@portcullis/source'])
      .filter((source): source is string => source !== undefined)
      .map((source) => `../packages/core/${source.slice(2)}`);
    expect(sources.length).toBe(ENTRY_POINTS.length);
    expect(sources.filter((source) => !typedoc.entryPoints.includes(source))).toEqual([]);
  });
});
