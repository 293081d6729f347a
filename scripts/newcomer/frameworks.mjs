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

const NEST_TS = { experimentalDecorators: true, emitDecoratorMetadata: true };

export const FRAMEWORKS = [
  {
    name: 'Express 4',
    slug: 'express4',
    readme: 'packages/express/README.md',
    tarballs: ['core', 'express'],
    dependencies: ['express@^4.21.2', '@types/express@^4.17.21'],
  },
  {
    name: 'Express 5',
    slug: 'express5',
    readme: 'packages/express/README.md',
    tarballs: ['core', 'express'],
    dependencies: ['express@^5.1.0', '@types/express@^5.0.3'],
  },
  {
    name: 'Fastify 5',
    slug: 'fastify5',
    readme: 'packages/fastify/README.md',
    tarballs: ['core', 'fastify'],
    dependencies: ['fastify@^5.4.0'],
  },
  {
    name: 'Hono 4 (@hono/node-server)',
    slug: 'hono4',
    readme: 'packages/hono/README.md',
    tarballs: ['core', 'hono'],
    dependencies: ['hono@^4.9.0', '@hono/node-server@^1.19.0 || ^2.0.0'],
  },
  {
    name: 'Nest 11',
    slug: 'nest11',
    readme: 'packages/nestjs/README.md',
    tarballs: ['core', 'nestjs'],
    dependencies: [
      '@nestjs/common@^11.1.0',
      '@nestjs/core@^11.1.0',
      '@nestjs/platform-express@^11.1.0',
      'reflect-metadata@^0.2.2',
      'rxjs@^7.8.2',
    ],
    compilerOptions: NEST_TS,
  },
  {
    name: 'Nest 12',
    slug: 'nest12',
    readme: 'packages/nestjs/README.md',
    tarballs: ['core', 'nestjs'],
    dependencies: [
      '@nestjs/common@^12.0.0',
      '@nestjs/core@^12.0.0',
      '@nestjs/platform-express@^12.0.0',
      'reflect-metadata@^0.2.2',
      'rxjs@^7.8.2',
    ],
    compilerOptions: NEST_TS,
    // Nest 12 ships as ECMAScript modules only. A CommonJS project loads it through require(esm) (Node 20.19+),
    // which TypeScript allows from `module: node20` on; under node16 it refuses every @nestjs import (TS1479).
    moduleSystems: {
      cjs: { label: 'CJS (node20)', compilerOptions: { module: 'node20', moduleResolution: 'node16' } },
    },
  },
];
