// Headless Debian Chromium for page tests. playwright-core's launch() gives
// every run a fresh temporary profile directory; the flags keep Chromium off
// the (closed) network.
import { chromium, type Browser } from "playwright-core";
import { mkdirSync } from "node:fs";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: CHROMIUM_ARGS });
}

export const ARTIFACTS = `${import.meta.dir}/../../test-artifacts`;
mkdirSync(ARTIFACTS, { recursive: true });
