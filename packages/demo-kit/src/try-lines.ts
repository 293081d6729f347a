/** What the demo prints once it is ready: its URL (the contract's readiness line) and what to try. */
export function readyLines(app: string, baseUrl: string, storage: string): string[] {
  return [
    `portcullis ${app} demo listening on ${baseUrl} (${storage})`,
    `  open ${baseUrl}/ in a browser, or try:`,
    `  curl -s -X POST ${baseUrl}/auth/register -H 'content-type: application/json' -d '{"email":"you@example.com","password":"correct horse battery staple"}'`,
    `  curl -s -X POST ${baseUrl}/auth/login -H 'content-type: application/json' -d '{"email":"you@example.com","password":"correct horse battery staple"}'`,
    `  curl -s ${baseUrl}/me -H "authorization: Bearer <access_token>"`,
    `  curl -s ${baseUrl}/.well-known/jwks.json`,
  ];
}
