import { runResourceServerSuite } from '@portcullis/testkit';
import express from 'express';
import { notFound, portcullis, securityHeaders } from './index.js';
import { inject } from './testing/app.js';

// The same middleware in front of tokens from an external authorization server (createResourceServer()).
runResourceServerSuite('express', async (resourceServer) => {
  const pc = portcullis(resourceServer);
  const app = express();
  app.use(securityHeaders());
  app.use(pc.router);
  app.get('/reports', pc.authenticate(), pc.requireScopes('reports:read'), (req, res) => {
    res.json({ subject: req.auth!.subject });
  });
  app.use(notFound);
  app.use(pc.errorHandler);
  return { inject: (request) => inject(app, request) };
});
