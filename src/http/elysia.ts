// Elysia, loaded when the first request that needs the router arrives rather
// than at start: evaluating it is about a quarter of the server's start-up,
// and the health check, cached pages and static assets are answered without it.
import type { Elysia } from "elysia";

let loaded: typeof Elysia | null = null;

/** The Elysia class (the same module every route file builds on). */
function elysia(): typeof Elysia {
  return (loaded ??= (require("elysia") as typeof import("elysia")).Elysia);
}

/** A new Elysia instance (`{ name }` makes it a plugin), on the class loaded at first use. */
export function newElysia(config?: ConstructorParameters<typeof Elysia>[0]) {
  return new (elysia())(config);
}
