#!/usr/bin/env bash
# The release, rehearsed without publishing: on a scratch branch in a throw-away worktree, add a changeset
# for every public package, run `changeset version` (versions and CHANGELOGs), check every tarball against the
# allow-list, and run `pnpm publish -r --dry-run`. The checkout running it is left untouched.
# Needs `pnpm build` to have run in this checkout (the worktree reuses its dist/ folders).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
scratch=$(mktemp -d)
worktree="$scratch/release"
cleanup() {
  git -C "$root" worktree remove --force "$worktree" >/dev/null 2>&1 || true
  git -C "$root" branch -D ci/release-dry-run >/dev/null 2>&1 || true
  rm -rf "$scratch"
}
trap cleanup EXIT

git -C "$root" worktree add -q -B ci/release-dry-run "$worktree" HEAD
cd "$worktree"
pnpm install --frozen-lockfile --offline --reporter=silent
for dist in "$root"/packages/*/dist; do
  package=$(basename "$(dirname "$dist")")
  cp -R "$dist" "packages/$package/dist"
done

public=$(node -e '
const fs = require("node:fs");
for (const dir of fs.readdirSync("packages")) {
  const path = `packages/${dir}/package.json`;
  if (!fs.existsSync(path)) continue;
  const manifest = JSON.parse(fs.readFileSync(path, "utf8"));
  if (manifest.private !== true) console.log(`${manifest.name} ${manifest.version}`);
}')
{
  echo '---'
  while read -r name _; do echo "\"$name\": patch"; done <<<"$public"
  echo '---'
  echo
  echo 'Release rehearsal (CI only; never committed).'
} >.changeset/ci-release-dry-run.md

pnpm changeset version
git add -A >/dev/null
git -c user.name=ci -c user.email=ci@localhost commit -qm "ci: release rehearsal" --no-verify

status=0
while read -r name before; do
  dir=$(node -e 'const fs=require("node:fs");for(const d of fs.readdirSync("packages")){const p=`packages/${d}/package.json`;if(fs.existsSync(p)&&JSON.parse(fs.readFileSync(p,"utf8")).name===process.argv[1])console.log(`packages/${d}`)}' "$name")
  after=$(node -p 'require("./'"$dir"'/package.json").version')
  if [ "$after" = "$before" ] || [ ! -s "$dir/CHANGELOG.md" ] || ! grep -q "## $after" "$dir/CHANGELOG.md"; then
    echo "FAIL $name: version $before -> $after, CHANGELOG.md without a $after section"
    status=1
  else
    echo "ok   $name: $before -> $after, CHANGELOG.md has ## $after"
  fi
  # Internal dependencies must name real versions, not the workspace protocol, once packed.
  if tar -xzOf "$(cd "$dir" && pnpm pack --pack-destination "$scratch" | tail -1)" package/package.json | grep -q '"workspace:'; then
    echo "FAIL $name: the packed package.json still holds workspace: ranges"
    status=1
  fi
done <<<"$public"

node "$root/scripts/check-tarballs.mjs" "$worktree" || status=1
# Provenance needs the CI provider's OIDC token; the rehearsal checks everything else.
NPM_CONFIG_PROVENANCE=false pnpm publish -r --dry-run --no-git-checks --access public || status=1
exit $status
