export type {
  IssuedRefreshToken,
  RefreshTokenService,
  RefreshTokenServiceOptions,
} from './refresh-token-service.js';
export { createRefreshTokenService, revokedFamilyOf } from './refresh-token-service.js';
