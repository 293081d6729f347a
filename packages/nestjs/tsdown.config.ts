import { packageBuild } from '../../tsdown.shared.ts';

export default packageBuild(undefined, {
  external: [/^@nestjs\//, 'reflect-metadata', 'rxjs', /^@portcullis\//],
});
