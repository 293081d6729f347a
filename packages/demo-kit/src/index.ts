export type { DemoAuth } from './create-demo-auth.js';
export { createDemoAuth } from './create-demo-auth.js';
export type { DemoConfig } from './env.js';
export { readDemoConfig } from './env.js';
export { requestLogLine } from './request-log.js';
export { createSqlUserDirectory } from './users.js';
