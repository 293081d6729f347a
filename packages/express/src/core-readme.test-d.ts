import { createAuth, createMemoryStores, createMemoryUserDirectory } from '@portcullis/core';
import { portcullis } from '@portcullis/express';
import express from 'express';

const auth = await createAuth({
  stores: createMemoryStores(),
  users: createMemoryUserDirectory(),
  issuer: 'https://api.example.com',
  audience: 'https://api.example.com',
  appOrigin: 'https://app.example.com',
  apiKeys: { pepper: process.env.API_KEY_PEPPER ?? '' },
});

const pc = portcullis(auth);
const app = express();
app.use(pc.router);
app.get('/me', pc.authenticate(), (req, res) => res.json({ id: req.auth?.subject }));
app.get('/admin', pc.authenticate(), pc.requireRoles('admin'), (_req, res) => res.json({ ok: true }));
app.use(pc.errorHandler);
app.listen(3000);
