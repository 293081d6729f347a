import type { AuthContext } from '@portcullis/core';

declare global {
  namespace Express {
    interface Request {
      /** Who the request acts for, set by `authenticate()`; `undefined` before it ran. */
      auth?: AuthContext;
    }
  }
}
