import { BetterShare } from "./index.js";

// The `./server` entry. OpenCode 1.x calls `server`; OpenCode 2 calls `setup`
// (added in a later step).
export default { id: "better-share", server: BetterShare };
