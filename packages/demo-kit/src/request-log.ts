/**
 * One access-log line. Only the path is logged, never the query string (it may carry a credential the app
 * is about to refuse), never a header, cookie or body.
 */
export function requestLogLine(
  app: string,
  method: string,
  url: string,
  status: number,
  startedAt: number,
): string {
  const path = url.split('?')[0]?.split('#')[0] ?? '/';
  return JSON.stringify({ app, method, path, status, ms: Math.round(performance.now() - startedAt) });
}
