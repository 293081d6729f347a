import { createMemoryStores } from '@portcullis/core';
import { runStoreSuite } from './index.js';

runStoreSuite('memory', async () => ({ stores: createMemoryStores() }));
