import { randomBase62 } from '../lib/random.js';
import { API_KEY_ID_LENGTH, API_KEY_SECRET_LENGTH, formatApiKey } from './api-key-format.js';

/** A fresh key and its public id. The id is random too, so it reveals nothing about the secret. */
export function generateApiKey(prefix: string): { key: string; id: string } {
  const id = randomBase62(API_KEY_ID_LENGTH);
  const secret = randomBase62(API_KEY_SECRET_LENGTH);
  return { key: formatApiKey(prefix, id + secret), id };
}
