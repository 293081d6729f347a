import { packageBuild } from '../../tsdown.shared.ts';

export default packageBuild();
