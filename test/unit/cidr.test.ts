import { expect, test } from "bun:test";
import { CidrMatcher, parseCidr, type Cidr } from "../../src/core/cidr.ts";

const m = new CidrMatcher(["10.0.0.0/8", "192.168.1.7", "fd00::/8", "::1"].map((c) => parseCidr(c) as Cidr));

test.each([
  ["10.1.2.3", true],
  ["::ffff:10.1.2.3", true],
  ["11.0.0.1", false],
  ["192.168.1.7", true],
  ["192.168.1.8", false],
  ["fd12:3456::1", true],
  ["fe80::1", false],
  ["::1", true],
  ["127.0.0.1", false],
  ["unknown", false],
  ["", false],
])("%p in the allow list: %p", (ip, want) => {
  expect(m.contains(ip as string)).toBe(want as boolean);
});

test("an empty list matches nothing", () => {
  expect(new CidrMatcher([]).contains("10.0.0.1")).toBe(false);
});

test("parse errors say what is wrong", () => {
  expect(parseCidr("10.0.0.0/33")).toContain("0 to 32 for IPv4");
  expect(parseCidr("::1/129")).toContain("0 to 128 for IPv6");
  expect(parseCidr("300.0.0.0/8")).toContain("not an IPv4 or IPv6 address");
});
