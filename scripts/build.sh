#!/usr/bin/env bash
# The one compile command for ./better-share, used by `make build`, the
# Dockerfile and the binary tests. Usage: scripts/build.sh [outfile]
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-better-share}"
# --minify-whitespace/--minify-syntax, not --minify: renaming identifiers breaks Elysia.
# NODE_ENV is defined because the compiler would otherwise inline "development".
# .env and bunfig.toml in the working directory must not change a deployed binary.
# This also bundles the OpenCode plugin (plugin/src/server.ts) into one ESM file
# and embeds it, for GET /plugin.js: src/plugin-bundle.ts runs as a macro here.
# --splitting (ESM only) puts each dynamically imported module graph — Elysia,
# the views, the S3 and Postgres clients — in a chunk of its own, loaded when
# first imported; in one file, the start paid for their size even unused.
bun build src/cli.ts --compile --splitting --format=esm --bytecode --minify-whitespace --minify-syntax --sourcemap=none \
  --define 'process.env.NODE_ENV="production"' \
  --no-compile-autoload-dotenv --no-compile-autoload-bunfig \
  --outfile "$out"
