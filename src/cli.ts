#!/usr/bin/env bun
// better-share: the command line. Parses argv, loads configuration, dispatches.
import { ConfigError, ENV_VARS, loadConfig } from "./config.ts";
import { parseOptions } from "./commands/args.ts";
import type { CommandGroup } from "./commands/admin.ts";
import { startServer, StartupError } from "./commands/serve.ts";
import { bufferedLogger, stdoutSink } from "./log.ts";
import { VERSION } from "./version.ts";

/**
 * Admin command groups (`better-share <group> <command>`), each parsed by
 * src/commands/admin.ts. Imported when asked for, like `migrate`: `serve`
 * never needs them, and dynamic imports keep them out of the binary's main
 * chunk (see http/elysia.ts).
 */
const ADMIN_GROUPS: Record<string, () => Promise<CommandGroup>> = {
  shares: async () => (await import("./commands/shares.ts")).sharesCommands,
  tokens: async () => (await import("./commands/tokens.ts")).tokensCommands,
};

async function usage(): Promise<string> {
  const { groupSynopsis } = await import("./commands/admin.ts");
  const groups = await Promise.all(Object.values(ADMIN_GROUPS).map((load) => load()));
  const width = Math.max(...ENV_VARS.map((v) => v.name.length));
  const vars = ENV_VARS.map((v) => `  ${v.name.padEnd(width)}  ${v.meaning}${v.default ? ` [default: ${v.default}]` : ""}`).join("\n");
  return `better-share ${VERSION}: self-hosted session sharing for OpenCode

Usage:
  better-share serve [--port N] [--host H]   run the API and share pages
  better-share migrate                       create or upgrade the database schema, then exit
  better-share health [--url URL]            exit 0 when the server at URL answers /api/health (for container health checks)
  better-share --help | --version

Admin commands (same environment as serve; safe while servers run; exit 0 done, 1 not found or failed, 2 usage):
${groups.flatMap(groupSynopsis).map((l) => `  ${l}`).join("\n")}

Environment:
${vars}

With no configuration the server keeps everything in DATA_DIR (SQLite and files).
Docs: README.md`;
}

function fail(message: string, code = 2): never {
  console.error(`better-share: ${message}`);
  process.exit(code);
}

async function main(argv: string[]): Promise<number> {
  const group = Object.hasOwn(ADMIN_GROUPS, argv[0] ?? "") ? await ADMIN_GROUPS[argv[0]!]!() : null;
  if (group) return (await import("./commands/admin.ts")).runGroup(group, argv.slice(1));
  let parsed;
  try {
    parsed = parseOptions(argv, {
      help: { type: "boolean", short: "h" },
      version: { type: "boolean", short: "v" },
      port: { type: "string", short: "p" },
      host: { type: "string" },
      url: { type: "string" },
    });
  } catch (e) {
    console.error(`better-share: ${(e as Error).message}.\n`);
    console.error(await usage());
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(await usage());
    return 0;
  }
  if (values.version) {
    console.log(VERSION);
    return 0;
  }
  const [command, ...rest] = positionals;
  if (!command) {
    console.error(await usage());
    return 2;
  }
  if (rest.length > 0) fail(`unexpected argument "${rest[0]}"; see better-share --help.`);
  const flagsFor: Record<string, string[]> = { serve: ["port", "host"], migrate: [], health: ["url", "port"] };
  if (!(command in flagsFor)) {
    console.error(`better-share: unknown command "${command}"\n`);
    console.error(await usage());
    return 2;
  }
  for (const flag of ["port", "host", "url"] as const)
    if (values[flag] !== undefined && !flagsFor[command]!.includes(flag)) fail(`--${flag} does not apply to "${command}"; see better-share --help.`);

  if (command === "health") {
    const url = values.url ?? `http://127.0.0.1:${values.port ?? process.env.PORT ?? 3000}`;
    try {
      const res = await fetch(`${url.replace(/\/+$/, "")}/api/health`, { signal: AbortSignal.timeout(5000) });
      console.log(`${res.status} ${await res.text()}`);
      return res.ok ? 0 : 1;
    } catch (e) {
      console.error(`better-share: ${url} did not answer: ${(e as Error).message}`);
      return 1;
    }
  }

  let config;
  try {
    config = loadConfig(process.env, { port: values.port, host: values.host });
  } catch (e) {
    if (e instanceof ConfigError) fail(e.message);
    throw e;
  }

  if (command === "migrate") {
    try {
      return await (await import("./commands/migrate.ts")).migrateCommand(config);
    } catch (e) {
      fail(`migration failed: ${(e as Error).message}`, 1);
    }
  }

  const logger = bufferedLogger(config.logFormat, stdoutSink());
  let running;
  try {
    running = await startServer(config, logger);
  } catch (e) {
    if (e instanceof StartupError) fail(e.message, 1);
    const err = e as NodeJS.ErrnoException;
    if (err?.code === "EADDRINUSE") fail(`port ${config.port} is already in use; pick another with --port or PORT.`, 1);
    if (err?.code === "EACCES") fail(`not allowed to listen on ${config.host}:${config.port}; use a port above 1023.`, 1);
    fail(`could not start: ${err?.message ?? String(e)}`, 1);
  }
  const onSignal = (sig: string) => {
    logger.info(`${sig} received: finishing in-flight requests`);
    void running.stop();
  };
  process.once("SIGTERM", () => onSignal("SIGTERM"));
  process.once("SIGINT", () => onSignal("SIGINT"));
  await running.done;
  logger.info("stopped");
  await logger.flush();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    console.error(`better-share: ${(e as Error)?.message ?? String(e)}`);
    process.exit(1);
  },
);
