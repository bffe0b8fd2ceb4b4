// deploy/: the compose file, systemd unit, env file and Caddyfile stay in step
// with the configuration table, and the tools that read them accept them.
// Container engines cannot run here, so what can be proven is proven: the
// compose file parses into the services the README describes, each file's
// better-share variables exist and load, `systemd-analyze` and `caddy`
// accept what they are given.
import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse } from "yaml";
import { ENV_VARS, loadConfig } from "../../src/config.ts";
import { tempDir } from "../helpers/tmp.ts";

const ROOT = resolve(import.meta.dir, "../..");
const read = (p: string) => readFileSync(join(ROOT, p), "utf8");
const KNOWN = new Set(ENV_VARS.map((v) => v.name));
const has = (tool: string) => spawnSync("sh", ["-c", `command -v ${tool}`]).status === 0;

/** Compose's `${NAME:-default}` / `${NAME}` interpolation, with an empty shell environment. */
function interpolate(value: string): string {
  return value.replace(/\$\{([A-Z0-9_]+)(?::?-([^}]*))?\}/g, (_, _name, fallback) => fallback ?? "");
}

/** Variables of a systemd unit (Environment=) or an env file (NAME=value, commented examples included). */
function envAssignments(text: string, prefix: RegExp): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const m = line.match(prefix);
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

const unknown = (names: string[]) => names.filter((n) => !KNOWN.has(n));

describe("docker-compose.yml", () => {
  const compose = parse(read("deploy/docker-compose.yml"), { merge: true }) as any;
  const services = compose.services as Record<string, any>;

  test("parses into better-share, Postgres, MinIO, a bucket job and a one-shot migrate that serve waits for", () => {
    expect(Object.keys(services).sort()).toEqual(["better-share", "bucket", "migrate", "minio", "postgres"]);
    expect(services.migrate.command).toEqual(["migrate"]);
    expect(services["better-share"].command).toEqual(["serve"]);
    expect(services.migrate.image).toBe(services["better-share"].image);
    expect(services.migrate.build.dockerfile).toBe("Dockerfile");
    expect(readFileSync(join(ROOT, "deploy", services.migrate.build.context, "Dockerfile"), "utf8")).toContain("scripts/build.sh");
    expect(services["better-share"].depends_on).toEqual({
      migrate: { condition: "service_completed_successfully" },
      bucket: { condition: "service_completed_successfully" },
    });
    expect(services.migrate.depends_on.postgres.condition).toBe("service_healthy");
    expect(services["better-share"].healthcheck.test).toEqual(["CMD", "/usr/local/bin/better-share", "health"]);
  });

  for (const name of ["better-share", "migrate"]) {
    test(`${name}: every variable it sets is in the configuration table, and together they load`, () => {
      const env = services[name].environment as Record<string, string>;
      expect(unknown(Object.keys(env))).toEqual([]);
      const resolved = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, interpolate(String(v))]));
      const config = loadConfig(resolved);
      expect(config.databaseUrl).toStartWith("postgres://better_share:");
      expect(new URL(config.databaseUrl!).hostname).toBe("postgres");
      expect(config.s3?.endpoint).toBe("http://minio:9000");
      expect(config.s3?.forcePathStyle).toBe(true);
    });
  }

  test("the bucket job creates the bucket better-share uses, with MinIO's own credentials", () => {
    const bucketEnv = services["better-share"].environment.S3_BUCKET;
    expect(services.bucket.entrypoint).toEqual(["mc", "mb", "--ignore-existing", `local/${bucketEnv}`]);
    const mcHost = new URL(interpolate(services.bucket.environment.MC_HOST_local));
    const env = services["better-share"].environment;
    expect(decodeURIComponent(mcHost.username)).toBe(interpolate(env.S3_ACCESS_KEY_ID));
    expect(decodeURIComponent(mcHost.password)).toBe(interpolate(env.S3_SECRET_ACCESS_KEY));
    expect(interpolate(services.minio.environment.MINIO_ROOT_USER)).toBe(interpolate(env.S3_ACCESS_KEY_ID));
    // The Postgres user and password the server connects with are the ones the database is created with.
    const db = new URL(interpolate(env.DATABASE_URL));
    expect(db.username).toBe(services.postgres.environment.POSTGRES_USER);
    expect(db.password).toBe(interpolate(services.postgres.environment.POSTGRES_PASSWORD));
    expect(db.pathname).toBe(`/${services.postgres.environment.POSTGRES_DB}`);
  });
});

describe("Dockerfile", () => {
  test("every ENV it sets is in the configuration table", () => {
    const names = [...read("Dockerfile").matchAll(/^ENV\s+(.+)$/gm)].flatMap((m) => [...m[1]!.matchAll(/([A-Z0-9_]+)=/g)].map((x) => x[1]!));
    expect(names.length).toBeGreaterThan(0);
    expect(unknown(names)).toEqual([]);
  });
});

describe("better-share.service and better-share.env", () => {
  const unit = read("deploy/better-share.service");
  const envFile = read("deploy/better-share.env");

  test("every variable they name is in the configuration table, and together they load", () => {
    const fromUnit = envAssignments(unit, /^Environment=([A-Z0-9_]+)=(.*)$/);
    const fromFile = envAssignments(envFile, /^#?([A-Z][A-Z0-9_]*)=(.*)$/);
    expect(Object.keys(fromUnit).length).toBeGreaterThan(0);
    expect(unknown([...Object.keys(fromUnit), ...Object.keys(fromFile)])).toEqual([]);
    const active = envAssignments(envFile, /^([A-Z][A-Z0-9_]*)=(.*)$/);
    const config = loadConfig({ ...fromUnit, ...active });
    // The data dir is the unit's StateDirectory, the only place it may write.
    const state = unit.match(/^StateDirectory=(.+)$/m)?.[1];
    expect(config.dataDir).toBe(`/var/lib/${state}`);
    expect(config.trustProxy).toBe(true);
    expect(unit).toContain("EnvironmentFile=-/etc/better-share/env");
  });

  test.skipIf(!has("systemd-analyze"))("systemd-analyze verify accepts the unit and rates its exposure at most 2.0", () => {
    const dir = tempDir("bs-unit-");
    // verify checks that ExecStart= exists; point it at a binary that does.
    const path = join(dir, "better-share.service");
    writeFileSync(path, unit.replaceAll("/usr/local/bin/better-share", "/bin/true"));
    const verify = spawnSync("systemd-analyze", ["verify", path], { encoding: "utf8" });
    expect(verify.stderr + verify.stdout).toBe("");
    expect(verify.status).toBe(0);
    const security = spawnSync("systemd-analyze", ["security", "--offline=true", "--threshold=20", path], { encoding: "utf8" });
    expect(security.stdout).toMatch(/Overall exposure level for better-share\.service: [01]\.\d|Overall exposure level for better-share\.service: 2\.0/);
    expect(security.status).toBe(0);
  });
});

describe("Caddyfile", () => {
  const caddyfile = read("deploy/Caddyfile");

  test("proxies to the unit's address and lets the largest native sync through", () => {
    const unit = read("deploy/better-share.service");
    const port = unit.match(/^Environment=PORT=(\d+)$/m)?.[1];
    const host = unit.match(/^Environment=HOST=(.+)$/m)?.[1];
    expect(caddyfile).toMatch(new RegExp(`^\\s*reverse_proxy ${host}:${port}\\s*$`, "m"));
    const max = caddyfile.match(/max_size (\d+)MB/)?.[1];
    expect(Number(max) * 1_000_000).toBeGreaterThan(loadConfig({}).maxShareBytes + 1024 * 1024);
  });

  test.skipIf(!has("caddy"))("caddy validate accepts it", () => {
    const dir = tempDir("bs-caddy-");
    const path = join(dir, "Caddyfile");
    writeFileSync(path, caddyfile);
    const r = spawnSync("caddy", ["validate", "--config", path, "--adapter", "caddyfile"], { encoding: "utf8", cwd: dir, env: { ...process.env, HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir } });
    expect(r.stdout + r.stderr).toContain("Valid configuration");
    expect(r.status).toBe(0);
  });
});
