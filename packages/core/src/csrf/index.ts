export type {
  CsrfAuthenticatedBy,
  CsrfCheckContext,
  CsrfDoubleSubmitOptions,
  CsrfGuard,
  CsrfGuardOptions,
} from './csrf-guard.js';
export { createCsrfGuard } from './csrf-guard.js';
export { normalizeOrigin } from './origin.js';
