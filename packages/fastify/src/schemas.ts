import type { FastifySchema } from 'fastify';

/**
 * A body as the auth routes receive it: the raw text (a string, or `null` when there is none) whose content
 * is JSON matching `shape`. Core parses and checks it, so that every framework refuses bad input with the
 * same 400; `contentMediaType`/`contentSchema` (JSON Schema 2019-09 §8.4) document the shape, Fastify's
 * validator only checks that the body reached the handler as text.
 */
function jsonText(shape: Record<string, unknown>): FastifySchema {
  return { body: { type: ['string', 'null'], contentMediaType: 'application/json', contentSchema: shape } };
}

const object = (properties: Record<string, unknown>, required: string[] = []) => ({
  type: 'object',
  properties,
  required,
});

const credentials = object(
  { email: { type: 'string', minLength: 1, maxLength: 320 }, password: { type: 'string' } },
  ['email', 'password'],
);

/** Body schemas of the auth routes that take one, by `"METHOD /path"`. */
export const AUTH_ROUTE_SCHEMAS: Readonly<Record<string, FastifySchema>> = {
  'POST /auth/register': jsonText(credentials),
  'POST /auth/login': jsonText(credentials),
  'POST /auth/session': jsonText(credentials),
  'POST /auth/refresh': jsonText(object({ refresh_token: { type: 'string' } })),
  'POST /auth/verify-email': jsonText(object({ token: { type: 'string' } }, ['token'])),
  'POST /auth/password/forgot': jsonText(
    object({ email: { type: 'string', minLength: 1, maxLength: 320 } }, ['email']),
  ),
  'POST /auth/password/reset': jsonText(
    object({ token: { type: 'string' }, password: { type: 'string' } }, ['token', 'password']),
  ),
  'POST /auth/password/change': jsonText(
    object({ current_password: { type: 'string' }, new_password: { type: 'string' } }, [
      'current_password',
      'new_password',
    ]),
  ),
  'POST /api-keys': jsonText(
    object(
      {
        name: { type: 'string' },
        scopes: { type: 'array', items: { type: 'string' } },
        expires_in: { type: ['number', 'null'], description: 'seconds' },
      },
      ['name', 'scopes'],
    ),
  ),
  'POST /api-keys/:id/roll': jsonText(object({ grace_seconds: { type: 'number' } })),
};
