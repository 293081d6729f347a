// Entry point: `pnpm bench` runs every section; `pnpm bench -- verify cache-heap` runs only those named.
// A new bench (API keys, passwords, HTTP frameworks) is one module and one line in SECTIONS.
import { cpus, loadavg } from 'node:os';
import { apiKeysBench, memoryApiKeyStores } from './apikeys.js';
import { cacheHeapBench } from './cache-heap.js';
import { floodBench } from './flood.js';
import { forgotBench } from './forgot.js';
import { printHeading } from './format.js';
import { dpopBench } from './http/dpop-bench.js';
import { httpBench } from './http/index.js';
import { introspectionBench } from './introspection-bench.js';
import { loopDelayBench } from './loop-delay.js';
import { openNetworkedStores } from './networked-stores.js';
import { passwordsBench } from './passwords.js';
import { memoryRefreshStores, refreshBench } from './refresh.js';
import { storeHeapBench } from './store-heap.js';
import { verifyBench } from './verify-bench.js';

/** Runs a section against memory plus every reachable networked store (Redis, PostgreSQL over loopback, PGlite). */
async function withStores(
  run: (list: Awaited<ReturnType<typeof openNetworkedStores>>['list']) => Promise<void>,
) {
  const stores = await openNetworkedStores();
  try {
    await run(stores.list);
  } finally {
    await stores.close();
  }
}

interface Section {
  name: string;
  title: string;
  run: () => Promise<void>;
}

const SECTIONS: readonly Section[] = [
  { name: 'verify', title: 'Access-token verify throughput', run: verifyBench },
  { name: 'introspection', title: 'Resource server: introspection vs JWKS', run: introspectionBench },
  { name: 'cache-heap', title: 'Verified-token cache: heap cost and bound', run: cacheHeapBench },
  {
    name: 'apikeys',
    title: 'API-key verify throughput',
    run: () =>
      withStores((list) =>
        apiKeysBench([
          ...memoryApiKeyStores(),
          ...list.map((s) => ({ name: s.name, store: s.stores.apiKeys })),
        ]),
      ),
  },
  {
    name: 'refresh',
    title: 'Refresh-token rotation throughput',
    run: () =>
      withStores((list) =>
        refreshBench([
          ...memoryRefreshStores(),
          ...list.map((s) => ({ name: s.name, store: s.stores.refreshTokens })),
        ]),
      ),
  },
  { name: 'store-heap', title: 'Memory stores: heap cost and bound', run: storeHeapBench },
  { name: 'passwords', title: 'Password hashing: argon2id and legacy bcrypt', run: passwordsBench },
  { name: 'forgot', title: 'Password reset requests: known vs unknown e-mail timing', run: forgotBench },
  { name: 'loop-delay', title: 'Event-loop delay under concurrent logins', run: loopDelayBench },
  { name: 'flood', title: 'Login latency under a registration flood', run: floodBench },
  { name: 'http', title: 'HTTP frameworks: bare vs portcullis vs peer (autocannon)', run: httpBench },
  { name: 'dpop', title: 'DPoP-protected route vs plain bearer route, per framework', run: dpopBench },
];

const requested = process.argv.slice(2).filter((arg) => arg !== '--');
const unknown = requested.filter((name) => !SECTIONS.some((section) => section.name === name));
if (unknown.length > 0) {
  console.error(`unknown section ${unknown.join(', ')}; sections: ${SECTIONS.map((s) => s.name).join(', ')}`);
  process.exit(2);
}

const cpuList = cpus();
console.log(
  `node ${process.version}, ${cpuList.length} × ${cpuList[0]?.model ?? 'unknown CPU'}, ` +
    `load average ${loadavg()
      .map((load) => load.toFixed(2))
      .join(' ')} — other processes make absolute numbers noisy; ratios within one table travel better`,
);

for (const section of SECTIONS) {
  if (requested.length > 0 && !requested.includes(section.name)) continue;
  printHeading(section.title);
  const started = performance.now();
  await section.run();
  console.log(`(${section.name}: ${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
