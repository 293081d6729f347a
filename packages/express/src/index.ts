import './augment.js';

export { notFound } from './errors.js';
export type { Portcullis } from './portcullis.js';
export { portcullis } from './portcullis.js';
export { securityHeaders } from './security-headers.js';
