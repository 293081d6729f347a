// Runs on `pnpm pack` and `pnpm publish`. The "@portcullis/source" export condition points the workspace's
// tests and typechecks at TypeScript sources, which are not published: strip it from the packed manifest so
// no published export names a file the tarball does not hold.
const SOURCE_CONDITION = '@portcullis/source';

function withoutSourceCondition(target) {
  if (target === null || typeof target !== 'object' || Array.isArray(target)) return target;
  return Object.fromEntries(
    Object.entries(target)
      .filter(([key]) => key !== SOURCE_CONDITION)
      .map(([key, value]) => [key, withoutSourceCondition(value)]),
  );
}

function beforePacking(pkg) {
  if (pkg.exports !== undefined) pkg.exports = withoutSourceCondition(pkg.exports);
  return pkg;
}

export const hooks = { beforePacking };
