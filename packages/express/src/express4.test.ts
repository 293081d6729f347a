import type { Auth } from '@portcullis/core';
import { runAdapterSuite } from '@portcullis/testkit';
import express from 'express';
import { describe, expect, it, vi } from 'vitest';
import { portcullis } from './index.js';
import { suiteApp } from './testing/app.js';

// The same table on Express 4: every `express` import, the adapter's own included, gets 4.x
// (installed as the `express4` alias).
vi.mock('express', async () => {
  const { createRequire } = await import('node:module');
  return { default: createRequire(import.meta.url)('express4') };
});

describe('express 4 under test', () => {
  it("is really Express 4, for the app and for the adapter's Router", () => {
    // Express 4 exposes the deprecated `app.del`; Express 5 removed it.
    expect(typeof (express() as unknown as Record<string, unknown>)['del']).toBe('function');
    const handle = async () => ({ status: 204, headers: {}, cookies: [] });
    const fake = {
      routes: [{ method: 'GET', path: '/x', handle }],
      authenticate() {},
      authorize() {},
      errorResponse() {},
    };
    const { router } = portcullis(fake as unknown as Auth);
    // Express 4's layers match with one `regexp` (path-to-regexp 0.1); Express 5's with `matchers`.
    expect(router.stack[0]).toHaveProperty('regexp');
  });
});

runAdapterSuite('express 4', suiteApp(express));
