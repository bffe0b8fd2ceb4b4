// Elysia, loaded when the first request that needs the router arrives rather
// than at start: evaluating it is about a quarter of the server's start-up,
// and the health check, cached pages and static assets are answered without it.
// A dynamic import, not require(): the compiled binary keeps what is imported
// this way in a chunk of its own (scripts/build.sh --splitting), which costs
// nothing until loaded; a required module is part of the main chunk, whose
// size alone the start pays for.
import type { Elysia } from "elysia";

let loaded: typeof Elysia | null = null;

/** Loads Elysia; every newElysia() call must come after this has resolved. */
export async function loadElysia(): Promise<void> {
  loaded ??= (await import("elysia")).Elysia;
}

/** A new Elysia instance (`{ name }` makes it a plugin), on the class loadElysia() loaded. */
export function newElysia(config?: ConstructorParameters<typeof Elysia>[0]) {
  if (!loaded) throw new Error("Elysia is not loaded yet: await loadElysia() before building routes.");
  return new loaded(config);
}
