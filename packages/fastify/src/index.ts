export { clientErrorHandler } from './client-error.js';
export type { Portcullis, PortcullisOptions } from './plugin.js';
export { portcullis } from './plugin.js';
export { portcullisRoutes } from './routes.js';
export { sendAuthResponse, toAuthRequest } from './translate.js';
