// The scratch projects of the newcomer test: one per framework line a user starts from, each installing the
// packed tarballs with plain npm next to the framework exactly as the package's README says.

/** TypeScript lines a user compiles with: the classic compiler and the native one (7). */
export const TYPESCRIPT_VERSIONS = [
  { label: 'TS 5.9', spec: 'typescript@5.9.3', alias: 'typescript', tsc: 'typescript/bin/tsc' },
  {
    label: 'TS 7',
    spec: 'typescript7@npm:typescript@7.0.2',
    alias: 'typescript7',
    tsc: 'typescript7/bin/tsc',
  },
];

/** The two module systems: npm's default CommonJS project, and an ESM project as bundler users set it up. */
export const MODULE_SYSTEMS = [
  {
    label: 'ESM (bundler)',
    dir: 'esm',
    type: 'module',
    compilerOptions: { module: 'esnext', moduleResolution: 'bundler' },
  },
  {
    label: 'CJS (node16)',
    dir: 'cjs',
    type: 'commonjs',
    compilerOptions: { module: 'node16', moduleResolution: 'node16' },
  },
];

/** A Nest app on @nestjs/platform-express, at one major. */
const nest = (major, extra = {}) => ({
  name: `Nest ${major}`,
  slug: `nest${major}`,
  readme: 'packages/nestjs/README.md',
  tarballs: ['core', 'nestjs'],
  dependencies: [
    ...['common', 'core', 'platform-express'].map((name) => `@nestjs/${name}@^${major}.0.0`),
    'reflect-metadata@^0.2.2',
    'rxjs@^7.8.2',
  ],
  compilerOptions: { experimentalDecorators: true, emitDecoratorMetadata: true },
  ...extra,
});

/** An app with the adapter's README quick start, for one framework line. */
const app = (name, slug, pkg, dependencies) => ({
  name,
  slug,
  readme: `packages/${pkg}/README.md`,
  tarballs: ['core', pkg],
  dependencies,
});

export const FRAMEWORKS = [
  app('Express 4', 'express4', 'express', ['express@^4.21.2', '@types/express@^4.17.21']),
  app('Express 5', 'express5', 'express', ['express@^5.1.0', '@types/express@^5.0.3']),
  app('Fastify 5', 'fastify5', 'fastify', ['fastify@^5.4.0']),
  app('Hono 4 (@hono/node-server)', 'hono4', 'hono', ['hono@^4.9.0', '@hono/node-server@^1.19.0 || ^2.0.0']),
  nest(11),
  // Nest 12 ships as ECMAScript modules only. A CommonJS project loads it through require(esm) (Node 20.19+),
  // which TypeScript allows from `module: node20` on; under node16 it refuses every @nestjs import (TS1479).
  nest(12, {
    moduleSystems: {
      cjs: { label: 'CJS (node20)', compilerOptions: { module: 'node20', moduleResolution: 'node16' } },
    },
  }),
];
