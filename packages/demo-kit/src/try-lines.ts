import { isIP } from 'node:net';
import type { DemoAuth } from './create-demo-auth.js';

/** What the demo prints once it is ready: its URL (the contract's readiness line), where mail goes, and what to try. */
export function readyLines(
  app: string,
  demo: Pick<DemoAuth, 'baseUrl' | 'storage' | 'mailDelivery'>,
): string[] {
  const { baseUrl } = demo;
  // Browsers refuse an IP address as a passkey's domain (RP ID): say how to try passkeys.
  const host = new URL(baseUrl).hostname;
  const ipHost = isIP(host.replace(/^\[|\]$/g, '')) !== 0;
  return [
    `portcullis ${app} demo listening on ${baseUrl} (${demo.storage})`,
    `  account mail (verification and reset links) is ${demo.mailDelivery}`,
    `  open ${baseUrl}/ in a browser, or try:`,
    `  curl -s -X POST ${baseUrl}/auth/register -H 'content-type: application/json' -d '{"email":"you@example.com","password":"correct horse battery staple"}'`,
    `  curl -s -X POST ${baseUrl}/auth/login -H 'content-type: application/json' -d '{"email":"you@example.com","password":"correct horse battery staple"}'`,
    `  curl -s ${baseUrl}/me -H "authorization: Bearer <access_token>"`,
    `  curl -s ${baseUrl}/.well-known/jwks.json`,
    ...(ipHost
      ? [
          `  passkeys need a host name, not an IP address: start with HOST=localhost and open http://localhost:<port>/`,
        ]
      : []),
  ];
}
