# better-share — see README.md. `make serve` and `make test` work on a fresh machine.
SHELL := /bin/bash
BUN_VERSION := 1.4.4

.PHONY: install build serve test lint bench docker plugin system-deps clean

install:
	@command -v bun >/dev/null 2>&1 || npm install -g bun@$(BUN_VERSION)
	bun install --frozen-lockfile
	cd plugin && bun install --frozen-lockfile

build: install
	bash scripts/build.sh better-share
	@ls -lh better-share | awk '{print "built ./better-share (" $$5 ")"}'

serve: build
	./better-share serve

plugin: install
	cd plugin && bun run build

system-deps:
	bash scripts/system-deps.sh

test: system-deps build plugin lint
	bun test --timeout 120000

lint: install
	bunx tsc -p tsconfig.json --noEmit
	bunx xss-scan $$(find views -name '*.tsx') src/routes/pages.tsx
	cd plugin && bunx tsc -p tsconfig.json --noEmit

bench: build
	bun bench/run.ts

docker:
	docker build -t better-share .

clean:
	rm -rf better-share data test-artifacts plugin/dist
