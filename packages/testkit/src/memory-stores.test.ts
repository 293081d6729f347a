import { createMemoryStores, createMemoryUserDirectory } from '@portcullis/core';
import { runStoreSuite, runUserDirectorySuite } from './index.js';

runStoreSuite('memory', async () => ({ stores: createMemoryStores() }));
runUserDirectorySuite('memory', async () => ({ users: createMemoryUserDirectory() }));
