export type { RevocationService, RevocationServiceOptions } from './revocation-service.js';
export { createRevocationService } from './revocation-service.js';
