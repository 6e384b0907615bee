#!/usr/bin/env bash
# Runs the test suite on each supported Node.js major other than the machine's (22, 24 and 26 by
# default; READINESS_NODE_MAJORS="22 24" to choose). Each Node comes from the npm registry's
# node-linux-<arch> package, installed once into a folder outside the project
# (${TMPDIR:-/tmp}/readiness-nodes/<major>; READINESS_NODES_DIR to move it) and reused after.
# That Node's bin/ is put first on PATH, so the CLI and every child process the tests spawn run on
# it too. Expects dist/ built (npm run build; the suite's global setup rebuilds it when stale).
set -euo pipefail
cd "$(dirname "$0")/.."

case "$(uname -m)" in
  x86_64 | amd64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "test-all-nodes: no node-linux package for $(uname -m)" >&2; exit 2 ;;
esac
nodes="${READINESS_NODES_DIR:-${TMPDIR:-/tmp}/readiness-nodes}"
read -r -a majors <<< "${READINESS_NODE_MAJORS:-22 24 26}"

failed=()
for major in "${majors[@]}"; do
  bin="$nodes/$major/node_modules/node-linux-$arch/bin"
  if [ ! -x "$bin/node" ]; then
    echo "test-all-nodes: installing node-linux-$arch@$major into $nodes/$major"
    npm install --no-save --no-package-lock --no-audit --no-fund --silent --prefix "$nodes/$major" "node-linux-$arch@$major"
  fi
  version=$("$bin/node" --version)
  echo "test-all-nodes: the suite on Node $version"
  start=$SECONDS
  if ! PATH="$bin:$PATH" node node_modules/vitest/vitest.mjs run; then failed+=("$major"); fi
  echo "test-all-nodes: the suite on Node $version took $((SECONDS - start)) s"
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "test-all-nodes: the suite failed on Node ${failed[*]}" >&2
  exit 1
fi
