export { pinoRedactPaths } from './pino-redact-paths.js';
export { redact } from './redact.js';
