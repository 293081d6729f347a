#!/usr/bin/env node
// The newcomer test: what a user meets who installs portcullis from npm and follows a README.
//   1. packs every public package (`pnpm pack`, so the tarballs are what `pnpm publish` would upload);
//   2. installs them with plain npm into scratch projects outside the workspace, one per framework line;
//   3. compiles each README's quick start verbatim with `tsc --strict`, under TypeScript 5.9 and 7, in an ESM
//      project (bundler resolution) and a CommonJS one (node16);
//   4. runs every build and drives the same request matrix against it.
// Usage: node scripts/newcomer.mjs [--only express5,nest12] [--out DIR]   (run `pnpm build` first)
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { FRAMEWORKS, MODULE_SYSTEMS, TYPESCRIPT_VERSIONS } from './newcomer/frameworks.mjs';
import { runRequestMatrix, signingKeySet } from './newcomer/request-matrix.mjs';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({
  options: { only: { type: 'string' }, out: { type: 'string', default: join(ROOT, '.ci/out') } },
});
// Outside the workspace, so nothing resolves through the monorepo's node_modules.
const WORK = join(tmpdir(), 'portcullis-newcomer');
const TARBALLS = join(WORK, 'tarballs');

function publicPackages() {
  return readdirSync(join(ROOT, 'packages'))
    .map((dir) => ({
      dir: join(ROOT, 'packages', dir),
      manifest: join(ROOT, 'packages', dir, 'package.json'),
    }))
    .filter(
      ({ manifest }) => existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).private !== true,
    );
}

async function packAll() {
  rmSync(TARBALLS, { recursive: true, force: true });
  mkdirSync(TARBALLS, { recursive: true });
  const bySlug = {};
  for (const { dir, manifest } of publicPackages()) {
    const { name, version } = JSON.parse(readFileSync(manifest, 'utf8'));
    await run('pnpm', ['pack', '--pack-destination', TARBALLS], { cwd: dir });
    const file = join(TARBALLS, `${name.replace('@', '').replace('/', '-')}-${version}.tgz`);
    if (!existsSync(file)) throw new Error(`pnpm pack of ${name} made no ${file}`);
    bySlug[name.split('/')[1]] = file;
  }
  return bySlug;
}

/** The README's quick start: the first ```ts block after the "## Quick start" heading, verbatim. */
export function quickStartOf(readmePath) {
  const lines = readFileSync(join(ROOT, readmePath), 'utf8').split('\n');
  const heading = lines.findIndex((line) => /^## Quick start\s*$/.test(line));
  if (heading === -1) throw new Error(`${readmePath} has no "## Quick start" heading`);
  const open = lines.findIndex((line, i) => i > heading && /^```(ts|typescript)\b/.test(line));
  const close = lines.findIndex((line, i) => i > open && /^```\s*$/.test(line));
  if (open === -1 || close === -1)
    throw new Error(`${readmePath} has no \`\`\`ts block after "## Quick start"`);
  return `${lines.slice(open + 1, close).join('\n')}\n`;
}

const freePort = () =>
  new Promise((resolvePort, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
    server.on('error', reject);
  });

async function install(framework, tarballs) {
  const dir = join(WORK, framework.slug);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: `newcomer-${framework.slug}`, private: true }, null, 2)}\n`,
  );
  const specs = [
    ...framework.tarballs.map((slug) => tarballs[slug]),
    ...framework.dependencies,
    '@types/node@^22',
    ...TYPESCRIPT_VERSIONS.map((ts) => ts.spec),
  ];
  await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...specs], {
    cwd: dir,
    maxBuffer: 16 * 1024 * 1024,
    env: { ...process.env, CI: 'true' },
  });
  return dir;
}

function writeProject(frameworkDir, framework, moduleSystem, source) {
  const dir = join(frameworkDir, moduleSystem.dir);
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ private: true, type: moduleSystem.type }, null, 2)}\n`,
  );
  writeFileSync(join(dir, 'src/main.ts'), source);
  const compilerOptions = {
    target: 'ES2022',
    strict: true,
    esModuleInterop: true,
    skipLibCheck: true,
    types: ['node'],
    rootDir: 'src',
    ...moduleSystem.compilerOptions,
    ...framework.compilerOptions,
  };
  writeFileSync(
    join(dir, 'tsconfig.json'),
    `${JSON.stringify({ compilerOptions, include: ['src'] }, null, 2)}\n`,
  );
  return dir;
}

async function compile(projectDir, frameworkDir, typescript, outDir) {
  try {
    await run(
      process.execPath,
      [join(frameworkDir, 'node_modules', typescript.tsc), '-p', 'tsconfig.json', '--outDir', outDir],
      {
        cwd: projectDir,
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    return { ok: true, output: '' };
  } catch (error) {
    return { ok: false, output: `${error.stdout ?? ''}${error.stderr ?? ''}`.trim() };
  }
}

async function waitUntilServing(base, child, log) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}: ${log().slice(-600)}`);
    try {
      const response = await fetch(`${base}/.well-known/jwks.json`, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  throw new Error(`did not answer within 30 s: ${log().slice(-600)}`);
}

async function runBuild(projectDir, outDir) {
  const port = await freePort();
  const keys = signingKeySet();
  const admin = { email: 'admin@example.com', password: randomBytes(12).toString('base64url') };
  let output = '';
  const child = spawn(process.execPath, [join(outDir, 'main.js')], {
    cwd: projectDir,
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      API_KEY_PEPPER: randomBytes(32).toString('base64url'),
      SIGNING_KEYS: keys.json,
      ADMIN_EMAIL: admin.email,
      ADMIN_PASSWORD: admin.password,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitUntilServing(base, child, () => output);
    const checks = await runRequestMatrix(base, { admin, keys });
    return { ran: true, checks, output };
  } catch (error) {
    return { ran: false, checks: [], output: `${error.message}` };
  } finally {
    child.kill('SIGTERM');
  }
}

async function main() {
  const only = args.only?.split(',');
  const frameworks = FRAMEWORKS.filter((f) => only === undefined || only.includes(f.slug));
  mkdirSync(WORK, { recursive: true });
  mkdirSync(args.out, { recursive: true });
  const started = Date.now();
  const tarballs = await packAll();
  console.log(`packed ${Object.keys(tarballs).length} packages into ${TARBALLS}`);
  const cells = [];
  for (const framework of frameworks) {
    const t0 = Date.now();
    const frameworkDir = await install(framework, tarballs);
    console.log(`${framework.name}: installed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const source = quickStartOf(framework.readme);
    for (const defaultModuleSystem of MODULE_SYSTEMS) {
      const moduleSystem = { ...defaultModuleSystem, ...framework.moduleSystems?.[defaultModuleSystem.dir] };
      const projectDir = writeProject(frameworkDir, framework, moduleSystem, source);
      for (const typescript of TYPESCRIPT_VERSIONS) {
        const outDir = `dist-${typescript.alias}`;
        const compiled = await compile(projectDir, frameworkDir, typescript, outDir);
        const result = compiled.ok
          ? await runBuild(projectDir, join(projectDir, outDir))
          : { ran: false, checks: [] };
        const passed = result.checks.filter((c) => c.ok).length;
        const cell = {
          framework: framework.name,
          typescript: typescript.label,
          moduleSystem: moduleSystem.label,
          compiled: compiled.ok,
          ran: result.ran,
          matrix: `${passed}/${result.checks.length}`,
          ok: compiled.ok && result.ran && result.checks.length > 0 && passed === result.checks.length,
          failures: [
            ...(compiled.ok ? [] : [`tsc: ${compiled.output.slice(0, 2000)}`]),
            ...(compiled.ok && !result.ran ? [`run: ${result.output}`] : []),
            ...result.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`),
          ],
        };
        cells.push(cell);
        console.log(
          `${cell.ok ? 'ok  ' : 'FAIL'} ${cell.framework} · ${cell.typescript} · ${cell.moduleSystem}: compiled ${cell.compiled ? 'yes' : 'no'}, ran ${cell.ran ? 'yes' : 'no'}, matrix ${cell.matrix}`,
        );
        for (const failure of cell.failures) console.log(`       ${failure.replaceAll('\n', '\n       ')}`);
      }
    }
  }
  const table = [
    '| framework | TypeScript | module system | compiled | ran | request matrix |',
    '|---|---|---|---|---|---|',
    ...cells.map(
      (c) =>
        `| ${c.framework} | ${c.typescript} | ${c.moduleSystem} | ${c.compiled ? 'yes' : 'no'} | ${c.ran ? 'yes' : 'no'} | ${c.matrix} |`,
    ),
  ].join('\n');
  writeFileSync(join(args.out, 'newcomer.md'), `${table}\n`);
  const passed = cells.filter((c) => c.ok).length;
  writeFileSync(
    join(args.out, 'newcomer.json'),
    `${JSON.stringify({ passed, failed: cells.length - passed, cells }, null, 2)}\n`,
  );
  console.log(
    `\n${table}\n\nnewcomer: ${passed} of ${cells.length} passed in ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  process.exitCode = passed === cells.length && cells.length > 0 ? 0 : 1;
}

await main();
