import { packageBuild } from '../../tsdown.shared.ts';

export default packageBuild(undefined, { external: [/^@opentelemetry\//, /^@portcullis\//] });
