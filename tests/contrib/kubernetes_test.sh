#!/bin/sh
# contrib/kubernetes/*.yaml against the Kubernetes API schema (the npm
# package kubernetes-models, pinned in contrib/kubernetes/validate/) and
# mailhoard's contract (--shard /N = completions, exit 2 and 77 fail an index
# at once, 75 is retried, secrets from a Secret).
# Usage: kubernetes_test.sh SOURCE_DIR WORK_DIR. Exit 77 = skipped (no node).
set -eu
src=$1
work=$2
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "SKIP: node and npm are needed to validate the Kubernetes manifests" >&2
  exit 77
fi
mkdir -p "$work"
cp "$src/contrib/kubernetes/validate/package.json" \
   "$src/contrib/kubernetes/validate/package-lock.json" \
   "$src/contrib/kubernetes/validate/validate.mjs" "$work/"
cd "$work"
# Installed once per build tree, exactly the locked versions.
if [ ! -f node_modules/.mailhoard-lock ] || ! cmp -s package-lock.json node_modules/.mailhoard-lock; then
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.mailhoard-lock
fi
node validate.mjs "$src"/contrib/kubernetes/*.yaml

# The validator must refuse what it exists to catch.
bad=$(mktemp)
trap 'rm -f "$bad"' EXIT
sed -e 's/values: \[2, 77, 78\]/values: [2]/' "$src/contrib/kubernetes/job.yaml" >"$bad"
if node validate.mjs "$bad" 2>/dev/null; then
  echo "FAIL: a Job that retries exit 77 passed validation" >&2
  exit 1
fi
sed -e 's/status: "True"//' "$src/contrib/kubernetes/job.yaml" >"$bad"
if node validate.mjs "$bad" 2>/dev/null; then
  echo "FAIL: a podFailurePolicy condition without status passed the schema" >&2
  exit 1
fi
echo "ok: manifests valid, and broken ones refused"
