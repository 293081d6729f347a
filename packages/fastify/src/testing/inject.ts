// Test helper, not part of the package (excluded from `files`).
import type { Inject } from '@portcullis/testkit';
import type { FastifyInstance } from 'fastify';

/** The suite's `inject` through Fastify's own injection (light-my-request); `set-cookie` always a list. */
export function fastifyInject(app: FastifyInstance): Inject {
  return async (request) => {
    const response = await app.inject({
      method: request.method as 'GET',
      url: request.url,
      headers: request.headers ?? {},
      ...(request.body === undefined ? {} : { payload: request.body }),
    });
    const setCookie = response.headers['set-cookie'];
    return {
      status: response.statusCode,
      headers: {
        ...response.headers,
        'set-cookie': setCookie === undefined ? [] : Array.isArray(setCookie) ? setCookie : [setCookie],
      } as Record<string, string | string[] | undefined>,
      body: response.body,
    };
  };
}
