import { packageBuild } from '../../tsdown.shared.ts';

// ESM only: the suites run inside vitest, which is itself ESM only, so a CommonJS entry could never load.
export default packageBuild(undefined, { format: ['esm'], external: ['vitest', /^@portcullis\//] });
