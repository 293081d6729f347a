// Names and values the contract suite's files share.
import { randomBytes } from 'node:crypto';
import { secret } from './client.js';

export const ACCESS = '__Host-portcullis-access';
export const REFRESH = '__Host-portcullis-refresh';
export const SID = '__Host-portcullis-sid';

/** A password unique to this run (and remembered as a secret), so that finding it in a log means the app printed it. */
export function freshPassword(tag = 'password'): string {
  return secret(`conformance ${randomBytes(6).toString('hex')} ${tag}`);
}

let counter = 0;
/** An e-mail address no other test uses. */
export const email = (tag: string) => `${tag}-${++counter}@example.com`;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
