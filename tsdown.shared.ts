import { defineConfig, type UserConfig } from 'tsdown';

/**
 * How every published package builds: ESM and CJS (NestJS users are on CommonJS) with `.d.mts`/`.d.cts`,
 * for Node 20, one entry per public module. Dependencies and peer dependencies stay external.
 */
export function packageBuild(
  entry: Record<string, string> = { index: 'src/index.ts' },
  extra: UserConfig = {},
) {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    platform: 'node',
    target: 'node20',
    clean: true,
    // No source maps: the output is unminified and readable, and maps (with no sources shipped) doubled the
    // tarballs while pointing at files users do not have.
    sourcemap: false,
    ...extra,
  });
}
