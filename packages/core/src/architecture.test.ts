import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// Core is framework-free and driver-free: it names no web framework and no database client, not even as a type.
const ALLOWED = [
  /^node:/,
  /^jose$/,
  /^@node-rs\/(argon2|bcrypt)$/,
  /^@zxcvbn-ts\//,
  /^rate-limiter-flexible$/,
  /^cookie$/,
  /^oauth4webapi$/,
  /^otpauth$/,
  /^uqr$/,
  /^@simplewebauthn\/server$/,
  /^\./,
];
const MODULES_WITH_NATIVE_CODE = ['passwords'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    // Published code only: tests, and the helpers in src/testing/ (never built into dist/), may use vitest.
    if (statSync(path).isDirectory()) return name === 'testing' ? [] : sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  // TypeScript's own pre-processor: every static, dynamic and type-only import, and nothing in comments or strings.
  return ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map((f) => f.fileName);
}

describe('core dependency rules', () => {
  const files = sourceFiles(new URL('.', import.meta.url).pathname);

  it('imports only node built-ins and its few chosen libraries', () => {
    const offenders = files.flatMap((file) =>
      importsOf(file)
        .filter((spec) => !ALLOWED.some((re) => re.test(spec)))
        .map((spec) => `${file}: ${spec}`),
    );
    expect(offenders).toEqual([]);
  });

  it('keeps test helpers in src/testing/, which published code never imports and the package never ships', () => {
    const importsTesting = files.filter((file) =>
      importsOf(file).some((spec) => spec.startsWith('.') && /(^|\/)testing\//.test(spec)),
    );
    expect(importsTesting).toEqual([]);
    const strayHelpers = files.filter((file) => /\/test-[^/]*\.ts$/.test(file));
    expect(strayHelpers).toEqual([]);
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    // The tarball is the build and its changelog: no sources, so no test helpers (the allow-list checks the rest).
    expect(manifest.files).toEqual(['dist', 'CHANGELOG.md']);
  });

  it('holds every package to the same rule: no test-*.ts helper outside a testing/ folder', () => {
    const packagesDir = new URL('../../', import.meta.url).pathname;
    const everyFile = (dir: string): string[] =>
      readdirSync(dir).flatMap((name) => {
        const path = join(dir, name);
        return statSync(path).isDirectory() ? everyFile(path) : [path];
      });
    const packages = readdirSync(packagesDir).filter((name) =>
      statSync(join(packagesDir, name, 'src'), { throwIfNoEntry: false })?.isDirectory(),
    );
    expect(packages.length).toBeGreaterThan(8);
    const stray = packages.flatMap((name) =>
      everyFile(join(packagesDir, name, 'src')).filter((file) => /\/test-[^/]*\.ts$/.test(file)),
    );
    expect(stray).toEqual([]);
    const published = packages
      .map((name) => JSON.parse(readFileSync(join(packagesDir, name, 'package.json'), 'utf8')))
      .filter((manifest) => manifest.private !== true);
    expect(
      published
        .filter((manifest) => JSON.stringify(manifest.files) !== JSON.stringify(['dist', 'CHANGELOG.md']))
        .map((m) => m.name),
    ).toEqual([]);
  });

  it('keeps native code (argon2, bcrypt) inside the passwords module and what composes it', () => {
    const offenders = files.filter((file) => {
      const module = file.split('/src/')[1]!.split('/')[0]!;
      return (
        !MODULES_WITH_NATIVE_CODE.includes(module) &&
        importsOf(file).some((spec) => spec.startsWith('@node-rs/'))
      );
    });
    expect(offenders).toEqual([]);
  });
});
