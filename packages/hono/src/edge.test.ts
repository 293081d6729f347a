import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

// Imports the given modules from source in a fresh Node process and lists every CommonJS module and native
// addon it loaded: a native addon (`.node`) can only be loaded through require, so none can hide from this.
async function nativeModulesLoadedBy(...specifiers: string[]): Promise<string[]> {
  const script = `
    import { createRequire } from 'node:module';
    for (const specifier of ${JSON.stringify(specifiers)}) await import(specifier);
    console.log(JSON.stringify(Object.keys(createRequire(process.cwd() + '/').cache)));`;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--conditions=@portcullis/source', '--import', 'tsx', '--input-type=module', '-e', script],
    { cwd: packageDir },
  );
  return (JSON.parse(stdout) as string[]).filter((path) => /@node-rs\/|\.node$/.test(path));
}

describe('edge entry point', () => {
  it('loads no native addon: neither the adapter nor core’s edge-safe parts pull in @node-rs/argon2', async () => {
    const loaded = await nativeModulesLoadedBy(
      '@portcullis/hono',
      '@portcullis/core/http',
      '@portcullis/core/errors',
      '@portcullis/core/policy',
      '@portcullis/core/tokens',
      '@portcullis/core/keys',
    );
    expect(loaded).toEqual([]);
  }, 30_000);

  it('would see argon2 if it were loaded (control: core’s root entry, which composes password hashing)', async () => {
    const loaded = await nativeModulesLoadedBy('@portcullis/core');
    expect(loaded.some((path) => path.includes('@node-rs/argon2'))).toBe(true);
  }, 30_000);
});
