// The HTTP fuzz's checks must be able to fail: outcomes a broken app or server could produce, without a demo.
import { describe, expect, it } from 'vitest';
import { fill, type Pools } from './fuzz-pools.js';
import { checkOutcomes, emptyReport } from './fuzz-run.js';
import type { WireOutcome, WireRequest, WireResponse } from './fuzz-wire.js';

const APP = {
  'x-content-type-options': 'nosniff',
  'content-type': 'application/json; charset=utf-8',
  connection: 'keep-alive',
};
const request = (extra: Partial<WireRequest> = {}): WireRequest => ({
  label: 'GET /me',
  kind: 'length',
  method: 'GET',
  bytes: Buffer.from('GET /me HTTP/1.1\r\nHost: h\r\n\r\n'),
  wellFormed: true,
  ...extra,
});
const answer = (status: number, body: unknown, headers: Record<string, string> = APP): WireResponse => ({
  status,
  headers,
  body: typeof body === 'string' ? body : JSON.stringify(body),
});
const refusal = answer(401, { error: 'invalid_token', error_description: 'Invalid token' });
const dpopRefusal = { error: 'invalid_dpop_proof', error_description: 'Invalid DPoP proof' };

function violations(requests: WireRequest[], outcomes: WireOutcome[], pipelined = false): string[] {
  return checkOutcomes(requests, outcomes, emptyReport(), pipelined);
}

describe('the HTTP fuzz’s checks', () => {
  it.each<[string, WireRequest[], WireOutcome[]]>([
    ['a 500 from the app', [request()], [answer(500, { error: 'server_error', error_description: 'x' })]],
    ['a 502 from the server', [request()], [answer(502, 'Bad Gateway', {})]],
    ['an app error that is not the contract’s JSON', [request()], [answer(400, 'Bad Request')]],
    ['no answer to a well-formed request', [request()], ['timeout']],
    ['a reset after an app error without Connection: close', [request(), request()], [refusal, 'reset']],
    ['a close after an app error without Connection: close', [request(), request()], [refusal, 'closed']],
    ['a DPoP refusal of a resource with 400', [request()], [answer(400, dpopRefusal)]],
    ['a DPoP refusal of a resource without its challenge', [request()], [answer(401, dpopRefusal)]],
    [
      'a DPoP refusal of a resource with a Bearer challenge',
      [request()],
      [answer(401, dpopRefusal, { ...APP, 'www-authenticate': 'Bearer realm="portcullis"' })],
    ],
    [
      'a DPoP refusal at a token route with 401',
      [request({ label: 'POST /oauth/token [length, 29 B]', method: 'POST' })],
      [answer(401, dpopRefusal, { ...APP, 'www-authenticate': 'DPoP realm="portcullis"' })],
    ],
  ])('refuse %s', (_label, requests, outcomes) => {
    expect(violations(requests, outcomes)).not.toEqual([]);
  });

  it.each<[string, WireRequest[], WireOutcome[], boolean]>([
    [
      'a close after Connection: close',
      [request(), request()],
      [answer(401, { error: 'a', error_description: 'b' }, { ...APP, connection: 'close' }), 'closed'],
      false,
    ],
    [
      'the server’s own 400 to a malformed request, then a close',
      [request({ wellFormed: false })],
      [answer(400, '', {})],
      false,
    ],
    ['a close after the server’s own 431', [request(), request()], [answer(431, '', {}), 'closed'], false],
    ['a reset while an oversized body was being sent', [request({ oversizedBody: true })], ['reset'], false],
    [
      'a cut-off pipeline behind a malformed request',
      [request(), request({ wellFormed: false })],
      ['closed'],
      true,
    ],
    [
      'a DPoP refusal of a resource: 401 and a DPoP challenge',
      [request()],
      [
        answer(401, dpopRefusal, {
          ...APP,
          'www-authenticate': 'DPoP realm="portcullis", error="invalid_dpop_proof"',
        }),
      ],
      false,
    ],
    [
      'a DPoP refusal at a token route, however the path is spelt: 400',
      [request({ label: 'POST /AUTH/LOGIN/?x=1 [length, 2 B]', method: 'POST' })],
      [answer(400, dpopRefusal)],
      false,
    ],
  ])('accept %s', (_label, requests, outcomes, pipelined) => {
    expect(violations(requests, outcomes, pipelined)).toEqual([]);
  });

  it('fills placeholders from the pools, and marks a changed character', () => {
    const pools = { access: ['abcdef'] } as unknown as Pools;
    expect(fill(pools, 'Bearer {{access:0}}')).toBe('Bearer abcdef');
    expect(fill(pools, '{{access:1~}}')).toBe('aAcdef');
    expect(fill(pools, '{{refresh:0}}')).toBe('no-refresh');
  });
});
