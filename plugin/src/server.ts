import { BetterShare } from "./index.js";
import { setupV2 } from "./v2.js";

// The `./server` entry serves both OpenCode generations from one default
// export, as dual-generation plugins do: OpenCode 1.x calls `server` and
// ignores the rest; OpenCode 2 calls `setup` (v2.ts). Both build the same
// runtime (runtime.ts), so shares made under either are the same shares.

export default {
  id: "better-share",
  server: BetterShare,
  setup: (ctx: unknown) => setupV2(ctx),
};
