import type { Plugin } from "@opencode-ai/plugin";
import { createHooks } from "./plugin.js";

export type { BetterShareOptions, Mode } from "./settings.js";

// OpenCode calls every value this module exports as a plugin, so it exports
// nothing but the plugin itself (by name and as default).
export const BetterShare: Plugin = (input, options) => createHooks(input, options);

export default BetterShare;
