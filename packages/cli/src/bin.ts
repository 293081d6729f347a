#!/usr/bin/env node
import { processIo } from './lib/io.js';
import { main } from './main.js';

function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => stream.write('', () => resolve()));
}

const code = await main(process.argv.slice(2), processIo());
// Everything is done and closed once main returns, but a client library may keep a timer alive for seconds
// after its connection ended (ioredis does): exit once the output is written rather than wait for it.
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
process.exit(code);
