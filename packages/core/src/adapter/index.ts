// @portcullis/core/adapter: what framework adapters are built from, and nothing an application calls.

export type { MaybePromise } from '../lib/maybe-promise.js';
export { isThenable } from '../lib/maybe-promise.js';
export { optionError } from '../lib/option-error.js';
export type { AdapterAuth } from './adapter-auth.js';
export { assertAdapterAuth, assertRequirement, resolveVia } from './adapter-options.js';
export { authenticateNow } from './authenticate-now.js';
