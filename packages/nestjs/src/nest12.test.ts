import { createRequire } from 'node:module';
import { NestFactory } from '@nestjs/core';
import { runAdapterSuite } from '@portcullis/testkit';
import { describe, expect, it, vi } from 'vitest';
import { PortcullisModule } from './portcullis-module.js';
import { demoModule, startApp } from './testing/app.js';

// The same table on Nest 12: every @nestjs/* import — the adapter's own, the test app's, this file's — is
// served from packages/nestjs-12, which installs Nest 12 (this package's devDependencies stay on Nest 11).
// Nest's packages then require one another natively, all inside that Nest 12 install.
const nest12 = vi.hoisted(() => (name: string) => {
  const { createRequire: requireFrom } = require('node:module') as typeof import('node:module');
  const manifest = new URL('../../nestjs-12/package.json', import.meta.url);
  return requireFrom(manifest)(name) as Record<string, unknown>;
});
vi.mock('@nestjs/common', () => nest12('@nestjs/common'));
vi.mock('@nestjs/core', () => nest12('@nestjs/core'));
vi.mock('@nestjs/platform-express', () => nest12('@nestjs/platform-express'));
vi.mock('@nestjs/platform-fastify', () => nest12('@nestjs/platform-fastify'));
vi.mock('@nestjs/testing', () => nest12('@nestjs/testing'));

describe('nest 12 under test', () => {
  it('is really Nest 12, for the app and for the adapter', () => {
    const requireNest12 = createRequire(new URL('../../nestjs-12/package.json', import.meta.url));
    const version = (requireNest12('@nestjs/core/package.json') as { version: string }).version;
    expect(version).toMatch(/^12\./);
    // The NestFactory this file (and the adapter) imports is the Nest 12 one, not this package's Nest 11.
    expect(NestFactory).toBe((requireNest12('@nestjs/core') as { NestFactory: unknown }).NestFactory);
  });
});

// The adapter table on @nestjs/platform-express 12, the module set up with forRoot().
runAdapterSuite('nest 12 (express)', (auth, userCount) =>
  startApp('express', [PortcullisModule.forRoot({ auth }), demoModule(userCount)]),
);
