#!/usr/bin/env bash
# Builds the images the container tests use, with no registry access:
#   1. xks-harness/node-base:local   scripts/build-base-image.sh (this machine's node on a FROM scratch rootfs)
#   2. xks-harness/xks-mock:local    the repo's Dockerfile on that base, with production node_modules only
#
#   scripts/build-images.sh            env: BASE_IMAGE (skip step 1 and use this base), MOCK_IMAGE (tag of 2)
#
# The mock image is built from a staging context (package files, dist/, harness/data, certs/README.md and
# node_modules pruned with `npm prune --omit=dev --omit=optional`, which needs no registry), so neither dev
# dependencies nor testcontainers (an optional dependency of the harness, not of the mock) go into it.
set -euo pipefail
cd "$(dirname "$0")/.."

mock_image="${MOCK_IMAGE:-xks-harness/xks-mock:local}"
base_image="${BASE_IMAGE:-}"

if [ -z "$base_image" ]; then
  base_image=xks-harness/node-base:local
  start=$SECONDS
  bash scripts/build-base-image.sh "$base_image"
  echo "== build-images: base image $base_image in $((SECONDS - start)) s"
fi

start=$SECONDS
[ -f dist/src/bin/xks-mock.js ] || npm run build
[ -d node_modules ] || { echo "build-images: no node_modules: run npm ci first" >&2; exit 1; }

stage="$(mktemp -d "${TMPDIR:-/tmp}/xks-mock-context.XXXXXX")"
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/harness" "$stage/certs"
cp Dockerfile .dockerignore package.json package-lock.json "$stage/"
cp -a dist "$stage/dist"
cp -a harness/data "$stage/harness/data"
cp certs/README.md "$stage/certs/README.md"
# A real copy, not hard links: npm rewrites node_modules/.package-lock.json in place, which would prune the
# host's hidden lockfile too.
cp -a node_modules "$stage/node_modules"
(cd "$stage" && npm prune --omit=dev --omit=optional --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null)
echo "== build-images: production node_modules $(du -sh "$stage/node_modules" | cut -f1) (host: $(du -sh node_modules | cut -f1))"

# The classic builder needs no buildx plugin and never pulls an image that is already local.
DOCKER_BUILDKIT=0 docker build -q --build-arg "BASE_IMAGE=$base_image" -t "$mock_image" "$stage"
docker run --rm --entrypoint node "$mock_image" dist/src/bin/xks-mock.js --help >/dev/null
# Each rebuild leaves the previous images untagged: drop those, and only those of these two images.
docker image prune -f --filter "label=org.opencontainers.image.title=xks-mock" >/dev/null
docker image prune -f --filter "label=org.opencontainers.image.title=xks-harness node base" >/dev/null
echo "== build-images: $mock_image on $base_image in $((SECONDS - start)) s"
