import { packageBuild } from '../../tsdown.shared.ts';

// One ESM executable; the CLI has no library surface.
export default packageBuild({ bin: 'src/bin.ts' }, { format: ['esm'], dts: false, sourcemap: false });
