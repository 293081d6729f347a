import { existsSync, readdirSync } from 'node:fs';
import { defaultServerConditions, type Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

// Tests read each workspace package's TypeScript source through the
// "@portcullis/source" export condition, so no build is needed to run them.
const sourceConditions = ['@portcullis/source', ...defaultServerConditions];

const workspaceDirs = ['packages', 'apps'].flatMap((group) =>
  existsSync(group)
    ? readdirSync(group, { withFileTypes: true })
        // A package with tests: packages/nestjs-12 only holds Nest 12 for packages/nestjs's nest12.test.ts.
        .filter(
          (entry) =>
            entry.isDirectory() &&
            existsSync(`${group}/${entry.name}/package.json`) &&
            existsSync(`${group}/${entry.name}/src`),
        )
        .map((entry) => `${group}/${entry.name}`)
    : [],
);

// Vitest hands the SSR conditions to Node as `--conditions`; with "module" among them, Node picks
// OpenTelemetry's ESM builds, whose imports have no file extensions, and fails. The otel project goes without it.
const withoutModuleCondition: Plugin = {
  name: 'portcullis:without-module-condition',
  configResolved(config) {
    const conditions = config.ssr.resolve?.conditions;
    if (conditions !== undefined)
      conditions.splice(0, conditions.length, ...conditions.filter((c) => c !== 'module'));
  },
};

// CI asks for a JSON report beside the usual output, to read its summary line from the runner's own numbers.
const jsonReport = process.env['PORTCULLIS_TEST_REPORT'];

export default defineConfig({
  resolve: { conditions: sourceConditions },
  ssr: { resolve: { conditions: sourceConditions, externalConditions: ['@portcullis/source'] } },
  test: {
    ...(jsonReport ? { reporters: ['default', 'json'], outputFile: { json: jsonReport } } : {}),
    projects: workspaceDirs.map((dir) => ({
      extends: true,
      ...(dir === 'packages/otel' ? { plugins: [withoutModuleCondition] } : {}),
      test: {
        name: dir.split('/')[1],
        root: dir,
        include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
        typecheck: { enabled: false },
        // The CLI's tests run its built binary: build it (and what it imports) before they start.
        ...(dir === 'packages/cli' ? { globalSetup: ['src/testing/global-setup.ts'] } : {}),
      },
    })),
  },
});
