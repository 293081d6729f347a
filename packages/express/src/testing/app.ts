import { ACR_MFA, AuthError } from '@portcullis/core';
import type { CreateTestApp, InjectedRequest, InjectedResponse } from '@portcullis/testkit';
import type { Express } from 'express';
import request from 'supertest';
import { notFound, portcullis, securityHeaders } from '../index.js';

/** Sends one request through supertest; an array header value goes out as repeated header lines. */
export async function inject(app: Express, req: InjectedRequest): Promise<InjectedResponse> {
  const agent = request(app);
  const methods = { GET: agent.get, POST: agent.post, PUT: agent.put, DELETE: agent.delete };
  let test = methods[req.method as keyof typeof methods].call(agent, req.url);
  // superagent passes an array to Node's setHeader, which writes one header line per value.
  for (const [name, value] of Object.entries(req.headers ?? {})) test = test.set(name, value as string);
  const response = await (req.body === undefined ? test : test.send(req.body));
  return { status: response.status, headers: response.headers, body: response.text ?? '' };
}

/** The suite's app, written as an Express user would: middleware chains per route, a 404 and an error handler. */
export function suiteApp(express: () => Express): CreateTestApp {
  return async (auth, userCount) => {
    const pc = portcullis(auth);
    const app = express();
    app.use(securityHeaders());
    app.use(pc.router);
    app.get('/me', pc.authenticate(), async (req, res, next) => {
      try {
        const user = await auth.users.findById(req.auth!.subject);
        if (user === null) throw new AuthError('invalid_token', 'Invalid token', { challenge: 'Bearer' });
        res.json({ id: user.id, email: user.email, role: user.role, email_verified: user.emailVerified });
      } catch (error) {
        next(error); // Express 5 would forward a rejection by itself; Express 4 needs this.
      }
    });
    app.get('/admin/stats', pc.authenticate(), pc.requireRoles('admin'), async (_req, res, next) => {
      userCount().then((users) => res.json({ users }), next);
    });
    app.get(
      '/service/reports',
      pc.authenticate({ via: ['apiKey'] }),
      pc.requireScopes('reports:read'),
      (req, res) => {
        res.json({ reports: [], key_id: req.auth!.tokenId });
      },
    );
    app.get('/step-up/fresh', pc.authenticate(), pc.requireFreshAuth({ maxAge: 600 }), (req, res) => {
      res.json({ subject: req.auth!.subject });
    });
    app.get('/step-up/mfa', pc.authenticate(), pc.requireAcr(ACR_MFA), (req, res) => {
      res.json({ subject: req.auth!.subject });
    });
    app.use(notFound);
    app.use(pc.errorHandler);
    return { inject: (req) => inject(app, req) };
  };
}
