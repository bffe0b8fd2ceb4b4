import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { ConfigError, describeStores, ENV_VARS, loadConfig } from "../../src/config.ts";

describe("loadConfig", () => {
  test("defaults: embedded stores, port 3000, limits from the design", () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.host).toBe("0.0.0.0");
    expect(c.baseUrl).toBe("http://localhost:3000");
    expect(c.databaseUrl).toBeNull();
    expect(c.s3).toBeNull();
    expect(c.trustProxy).toBe(false);
    expect(c.rateLimitSharesPerHour).toBe(10);
    expect(c.rateLimitRequestsPerMinute).toBe(100);
    expect(c.maxShareBytes).toBe(52_428_800);
    expect(c.presignTtlSeconds).toBe(3600);
    expect(c.dataDir.endsWith("/data")).toBe(true);
  });

  test("flags override env; BASE_URL follows the port unless set, without a trailing slash", () => {
    expect(loadConfig({ PORT: "4000" }, { port: "5000" }).baseUrl).toBe("http://localhost:5000");
    expect(loadConfig({ BASE_URL: "https://share.example.com/" }).baseUrl).toBe("https://share.example.com");
    expect(loadConfig({ HOST: "::1" }, { host: "127.0.0.1" }).host).toBe("127.0.0.1");
  });

  test("full S3 config is read; region defaults to auto", () => {
    const c = loadConfig({ S3_ENDPOINT: "https://acc.r2.cloudflarestorage.com", S3_ACCESS_KEY_ID: "k", S3_SECRET_ACCESS_KEY: "s", S3_BUCKET: "my-bucket" });
    expect(c.s3).toEqual({ endpoint: "https://acc.r2.cloudflarestorage.com", accessKeyId: "k", secretAccessKey: "s", bucket: "my-bucket", region: "auto", forcePathStyle: false });
  });

  const bad: Array<[string, Record<string, string>, string, { port?: string }?]> = [
    ["half-set S3", { S3_BUCKET: "b" }, "S3_ENDPOINT, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY must be set too"],
    ["bad bucket", { S3_ENDPOINT: "http://x", S3_ACCESS_KEY_ID: "k", S3_SECRET_ACCESS_KEY: "s", S3_BUCKET: "Bad_Bucket" }, "S3_BUCKET must be a valid bucket name"],
    ["bad endpoint", { S3_ENDPOINT: "ftp://x", S3_ACCESS_KEY_ID: "k", S3_SECRET_ACCESS_KEY: "s", S3_BUCKET: "b12" }, "S3_ENDPOINT must be an http(s) URL"],
    ["port words", { PORT: "eighty" }, "PORT must be a port number"],
    ["log format", { LOG_FORMAT: "xml" }, 'LOG_FORMAT must be text or json, got "xml"'],
    ["metrics yes", { METRICS: "yes" }, 'METRICS must be true or false, got "yes"'],
    ["port too big", { PORT: "70000" }, "PORT must be a port number"],
    ["flag port", {}, "--port must be a port number", { port: "x" }],
    ["BASE_URL with query", { BASE_URL: "https://x.com/?a=1" }, "BASE_URL must be an origin without query"],
    ["relative BASE_URL", { BASE_URL: "/share" }, "BASE_URL must be an absolute http(s) URL"],
    ["DATABASE_URL scheme", { DATABASE_URL: "sqlite://x" }, "DATABASE_URL must start with postgres://"],
    ["zero limit", { RATE_LIMIT_REQUESTS_PER_MINUTE: "0" }, "RATE_LIMIT_REQUESTS_PER_MINUTE must be between 1"],
    ["fraction", { MAX_SHARE_BYTES: "1.5" }, "MAX_SHARE_BYTES must be a whole number"],
    ["tiny TTL", { PRESIGN_TTL_SECONDS: "5" }, "PRESIGN_TTL_SECONDS must be between 60"],
    ["bad bool", { S3_FORCE_PATH_STYLE: "sure" }, "S3_FORCE_PATH_STYLE must be true or false"],
  ];
  for (const [name, env, message, flags] of bad) {
    test(`rejects ${name} with a sentence naming the variable`, () => {
      expect(() => loadConfig(env, flags)).toThrow(ConfigError);
      expect(() => loadConfig(env, flags)).toThrow(message);
    });
  }
});

describe("describeStores", () => {
  test("names the stores without credentials", () => {
    const c = loadConfig({
      DATABASE_URL: "postgres://admin:supersecret@db.internal:5432/shares",
      S3_ENDPOINT: "https://s3.example.com",
      S3_ACCESS_KEY_ID: "AKIAEXAMPLE",
      S3_SECRET_ACCESS_KEY: "verysecretkey",
      S3_BUCKET: "sessions",
    });
    const d = JSON.stringify(describeStores(c));
    expect(d).toContain("postgres (db.internal:5432/shares)");
    expect(d).toContain("s3 (https://s3.example.com, bucket sessions)");
    for (const secret of ["supersecret", "admin", "AKIAEXAMPLE", "verysecretkey"]) expect(d).not.toContain(secret);
  });
});

describe("README", () => {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  test("documents every environment variable the server reads, with its default", () => {
    for (const v of ENV_VARS) {
      const row = readme.split("\n").find((l) => l.startsWith(`| \`${v.name}\``));
      expect(row, v.name).toBeDefined();
      if (/^\d+$|^auto$|^false$|^0\.0\.0\.0$/.test(v.default)) expect(row!).toContain(`\`${v.default}\``);
    }
  });
  test("gives the two fresh-machine commands", () => {
    expect(readme).toContain("make serve");
    expect(readme).toContain("make test");
  });
});

describe("public-instance settings", () => {
  test("defaults: open creation, no CIDRs, writable", () => {
    const c = loadConfig({});
    expect(c.createAccess).toBe("open");
    expect(c.createAllowCidrs).toEqual([]);
    expect(c.readOnly).toBe(false);
  });

  test("token access with IPv4 and IPv6 CIDRs and single addresses", () => {
    const c = loadConfig({ CREATE_ACCESS: "Token", CREATE_ALLOW_CIDRS: " 10.0.0.0/8, fd00::/8 ,192.168.1.7,::1", READ_ONLY: "true" });
    expect(c.createAccess).toBe("token");
    expect(c.createAllowCidrs).toEqual([
      { address: "10.0.0.0", prefix: 8, family: "ipv4" },
      { address: "fd00::", prefix: 8, family: "ipv6" },
      { address: "192.168.1.7", prefix: 32, family: "ipv4" },
      { address: "::1", prefix: 128, family: "ipv6" },
    ]);
    expect(c.readOnly).toBe(true);
  });

  test.each([
    [{ CREATE_ACCESS: "tokens" }, "CREATE_ACCESS"],
    [{ CREATE_ACCESS: "token", CREATE_ALLOW_CIDRS: "10.0.0.0/33" }, "CREATE_ALLOW_CIDRS"],
    [{ CREATE_ACCESS: "token", CREATE_ALLOW_CIDRS: "::1/129" }, "CREATE_ALLOW_CIDRS"],
    [{ CREATE_ACCESS: "token", CREATE_ALLOW_CIDRS: "10.0.0/8" }, "CREATE_ALLOW_CIDRS"],
    [{ CREATE_ACCESS: "token", CREATE_ALLOW_CIDRS: "10.0.0.0/8/1" }, "CREATE_ALLOW_CIDRS"],
    [{ CREATE_ACCESS: "token", CREATE_ALLOW_CIDRS: "10.0.0.0/-1" }, "CREATE_ALLOW_CIDRS"],
    [{ CREATE_ACCESS: "token", CREATE_ALLOW_CIDRS: "example.com/24" }, "CREATE_ALLOW_CIDRS"],
    [{ CREATE_ALLOW_CIDRS: "10.0.0.0/8" }, "CREATE_ALLOW_CIDRS only applies with CREATE_ACCESS=token"],
    [{ READ_ONLY: "maybe" }, "READ_ONLY"],
  ])("%p is refused naming %p", (env, name) => {
    expect(() => loadConfig(env as Record<string, string>)).toThrow(ConfigError);
    expect(() => loadConfig(env as Record<string, string>)).toThrow(name as string);
  });
});
