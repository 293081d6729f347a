#!/usr/bin/env node
import { processIo } from './lib/io.js';
import { main } from './main.js';

// exitCode rather than exit(): pending writes to a piped stdout are flushed before the process ends.
process.exitCode = await main(process.argv.slice(2), processIo());
