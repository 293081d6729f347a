export type { IssuedSession, SessionManager, SessionManagerOptions } from './session-manager.js';
export { createSessionManager } from './session-manager.js';
export type { SessionPrincipal } from './session-principal.js';
