import type { AuthStores } from '@portcullis/core';

/** What a store implementation hands the suite: fresh, empty stores, and how to dispose of them. */
export interface StoreSuiteFixture {
  stores: AuthStores;
  teardown?: () => Promise<void>;
}

export type StoreSuiteSetup = () => Promise<StoreSuiteFixture>;

/** Gives each test fresh stores and disposes of them afterwards. */
export interface StoreSuiteContext {
  stores(): AuthStores;
}

let counter = 0;
/** A unique id for this test run, so records never collide across tests or concurrent runs. */
export function uniqueId(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Base time for the suite: real time, so that TTLs in networked stores agree with the `now` arguments. */
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
