// The share page in real headless Chromium.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Elysia } from "elysia";
import type { Browser, Page } from "playwright-core";
import { pagesRoutes } from "../../src/routes/pages.tsx";
import { MemorySource } from "../helpers/memory-source.ts";
import { generateSession } from "../helpers/sessions.ts";
import { loadFixture } from "../views/app.ts";
import { hostileShare } from "../views/hostile-corpus.ts";
import { capturedShare, hostileV2Share } from "../views/v2-corpus.ts";
import { ARTIFACTS, launchChromium } from "./chromium.ts";

const fixture = await loadFixture();
const ID = fixture.shareId;
const source = new MemorySource();
let server: { stop(): void; port: number };
let base: string;
let browser: Browser;

beforeAll(async () => {
  source.put(fixture);
  source.put(hostileShare("Hostile1"));
  source.put(capturedShare("4LAeho00"));
  source.put(hostileV2Share("HostileV"));
  source.put(generateSession({ messages: 400, outputChars: 3000, shareId: "BigShare" }));
  source.putUnreadable("Broken01", "The stored data is not valid JSON.");
  const app = new Elysia().use(await pagesRoutes({ source, baseUrl: "http://127.0.0.1" })).listen({ hostname: "127.0.0.1", port: 0 });
  server = { stop: () => app.stop(), port: app.server!.port! };
  base = `http://127.0.0.1:${server.port}`;
  browser = await launchChromium();
}, 30_000);

afterAll(async () => {
  await browser?.close();
  server?.stop();
});

/** A page that records console errors, page errors and dialogs. */
async function open(opts: { javaScriptEnabled?: boolean; colorScheme?: "light" | "dark"; width?: number } = {}) {
  const context = await browser.newContext({
    javaScriptEnabled: opts.javaScriptEnabled ?? true,
    colorScheme: opts.colorScheme ?? "light",
    viewport: { width: opts.width ?? 1200, height: 900 },
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("dialog", (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  return { page, problems, close: () => context.close() };
}

async function visibleText(page: Page, selector: string): Promise<string> {
  const el = page.locator(selector).first();
  expect(await el.isVisible()).toBe(true);
  return (await el.innerText()).trim();
}

describe("fixture share", () => {
  test("shows every part and tool type with its content, without console errors", async () => {
    const { page, problems, close } = await open();
    const res = await page.goto(`${base}/share/${ID}`);
    expect(res?.status()).toBe(200);
    expect(await page.locator("article.msg").count()).toBe(12);
    expect(await visibleText(page, "h1")).toBe("Create and parameterize greet.sh");
    for (const tool of ["bash", "write", "read", "edit", "todowrite", "glob"]) {
      expect(await page.locator(".tool-name", { hasText: new RegExp(`^${tool}$`) }).first().isVisible()).toBe(true);
    }
    expect(await visibleText(page, ".tool:has(.tool-name:text-is('bash')) .term")).toContain("README.md");
    expect(await visibleText(page, ".dr-add")).toContain('NAME="${1:-world}"');
    expect(await visibleText(page, ".todos")).toContain("Parameterize the greeting");
    expect(await visibleText(page, ".part-text table")).toContain("todowrite");
    expect(await visibleText(page, ".part-step-finish")).toContain("out");
    expect(await visibleText(page, ".part-patch")).toContain("greet.sh");
    // reasoning is collapsed but its summary is visible
    expect(await visibleText(page, ".reasoning > summary")).toContain("Thinking");
    expect(await page.locator(".reasoning .md").first().isVisible()).toBe(false);
    // diff line numbers come from CSS, not from the text, so copying code copies only code
    expect(await page.locator(".dr-add").first().innerText()).not.toMatch(/^\s*3/);
    expect(problems).toEqual([]);
    await page.screenshot({ path: `${ARTIFACTS}/share-light.png`, fullPage: true });
    await close();
  }, 30_000);

  test("dark OS preference gives the dark palette", async () => {
    const { page, problems, close } = await open({ colorScheme: "dark" });
    await page.goto(`${base}/share/${ID}`);
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).toBe("rgb(13, 17, 23)");
    await page.screenshot({ path: `${ARTIFACTS}/share-dark.png`, fullPage: true });
    expect(problems).toEqual([]);
    await close();
  }, 30_000);

  test("readable at phone width: nothing overflows the viewport", async () => {
    const { page, close } = await open({ width: 390 });
    await page.goto(`${base}/share/${ID}`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${ARTIFACTS}/share-phone.png`, fullPage: true });
    await close();
  }, 30_000);

  test("with JavaScript disabled the whole conversation is there and show-more works", async () => {
    const { page, close } = await open({ javaScriptEnabled: false });
    await page.goto(`${base}/share/${ID}`);
    expect(await page.locator("article.msg").count()).toBe(12);
    expect(await page.locator("article.msg").last().isVisible()).toBe(true);
    expect(await page.getByText("All todos are").isVisible()).toBe(true);
    // controls that need JavaScript are hidden rather than broken
    expect(await page.locator("button.copy").first().isVisible()).toBe(false);
    expect(await page.locator("#theme-picker").isVisible()).toBe(false);
    // <details> opens without JavaScript
    await page.locator(".reasoning > summary").first().click();
    expect(await page.locator(".reasoning .md").first().isVisible()).toBe(true);
    await page.screenshot({ path: `${ARTIFACTS}/share-nojs.png` });
    await close();
  }, 30_000);

  test("theme picker switches the palette and remembers it across loads", async () => {
    const { page, problems, close } = await open();
    await page.goto(`${base}/share/${ID}`);
    const before = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await page.selectOption("#theme-picker", "dracula");
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe("dracula");
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe("rgb(40, 42, 54)");
    expect(before).not.toBe("rgb(40, 42, 54)");
    await page.reload();
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe("rgb(40, 42, 54)");
    expect(await page.inputValue("#theme-picker")).toBe("dracula");
    await page.screenshot({ path: `${ARTIFACTS}/share-dracula.png` });
    await page.selectOption("#theme-picker", "system");
    await page.reload();
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe(before);
    expect(problems).toEqual([]);
    await close();
  }, 30_000);

  test("with JavaScript off, a theme chosen earlier (its cookie) is the page's theme from the server", async () => {
    const { page, problems, close } = await open({ javaScriptEnabled: false });
    await page.context().addCookies([{ name: "better-share-theme", value: "dracula", url: base }]);
    await page.goto(`${base}/share/${ID}`);
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe("dracula");
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe("rgb(40, 42, 54)");
    expect(await page.locator("#theme-picker").isVisible()).toBe(false);
    expect(problems).toEqual([]);
    await close();
  }, 30_000);

  test("a theme kept in localStorage by the earlier page moves to the cookie", async () => {
    const { page, problems, close } = await open();
    await page.goto(`${base}/share/${ID}`);
    // this first page's after-paint work (which reads localStorage) is done before the test writes it:
    // else that page may move the value itself while the reload's request is already on its way
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0))));
    await page.evaluate(() => localStorage.setItem("better-share-theme", "nord"));
    await page.reload();
    // the move runs after the first paint
    await page.waitForFunction(() => document.documentElement.dataset.theme === "nord", undefined, { timeout: 10_000 });
    expect(await page.inputValue("#theme-picker")).toBe("nord");
    expect(await page.evaluate(() => localStorage.getItem("better-share-theme"))).toBeNull();
    expect((await page.context().cookies(base)).find((c) => c.name === "better-share-theme")?.value).toBe("nord");
    expect(problems).toEqual([]);
    await close();
  }, 30_000);

  test("times are shown in the reader's time zone once the page has painted, the server's UTC text kept as their title", async () => {
    const context = await browser.newContext({ timezoneId: "Asia/Kolkata", viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${base}/share/${ID}`);
    const first = page.locator("time[datetime]").first();
    const utc = (await first.getAttribute("title")) ?? (await first.textContent());
    await page.waitForFunction(() => document.querySelector("time[datetime]")!.textContent!.endsWith("UTC+5:30"), undefined, { timeout: 10_000 });
    expect(utc).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    expect(await first.getAttribute("title")).toBe(utc);
    await context.close();
  }, 30_000);

  test("nothing holds up the first paint: no render-blocking request, and the inline stylesheet passes the CSP", async () => {
    const { page, problems, close } = await open();
    await page.goto(`${base}/share/${ID}`, { waitUntil: "load" });
    const blocking = await page.evaluate(() =>
      (performance.getEntriesByType("resource") as Array<PerformanceResourceTiming & { renderBlockingStatus?: string }>)
        .filter((e) => e.renderBlockingStatus === "blocking")
        .map((e) => e.name),
    );
    expect(blocking).toEqual([]);
    // the page's own colours and layout are applied (a refused stylesheet would leave the defaults)
    expect(await page.evaluate(() => getComputedStyle(document.querySelector(".topbar")!).display)).toBe("flex");
    expect(problems).toEqual([]);
    await close();
  }, 30_000);

  test("copy buttons put the block's text on the clipboard", async () => {
    const { page, close } = await open();
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: base });
    await page.goto(`${base}/share/${ID}`);
    await page.locator(".cmd button.copy").first().click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe("echo 'checking project' && ls -1 /home/dev/greet-demo");
    await page.locator(".code button.copy").first().click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toContain('echo "Hello, ${NAME}!"');
    await close();
  }, 30_000);
});

describe("live view", () => {
  test("a new version appears without a reload and says it was just updated", async () => {
    const live = structuredClone(fixture);
    live.shareId = "LiveOne1";
    source.put(live);
    const { page, problems, close } = await open();
    await page.goto(`${base}/share/LiveOne1`);
    await page.evaluate(() => ((window as unknown as { __marker: number }).__marker = 42));
    const next = structuredClone(live);
    next.messages.push({
      info: { ...next.messages[7]!.info, id: "msg_zzlive0001" },
      parts: [{ id: "prt_zzlive0001", sessionID: next.sessionId, messageID: "msg_zzlive0001", type: "text", text: "A follow-up question arrived live" }],
    } as never);
    source.put(next);
    await page.getByText("A follow-up question arrived live").waitFor({ timeout: 15_000 });
    expect(await page.evaluate(() => (window as unknown as { __marker?: number }).__marker)).toBe(42);
    expect(await page.locator("#live-status").innerText()).toContain("updated just now");
    expect(await page.locator("article.msg").count()).toBe(13);
    source.remove("LiveOne1");
    await page.getByText("This share was removed").waitFor({ timeout: 15_000 });
    expect(problems.filter((p) => !p.includes("404"))).toEqual([]);
    await close();
  }, 40_000);
});

describe("long sessions", () => {
  test("a permalink to a message on a later page lands on that message", async () => {
    const { page, close } = await open();
    const target = (await source.lookup("BigShare")) as { snapshot: { data: { messages: Array<{ info: { id: string } }> } } };
    const id = target.snapshot.data.messages[333]!.info.id;
    await page.goto(`${base}/share/BigShare#m-${id}`);
    await page.waitForURL(/find=/);
    const el = page.locator(`#m-${id}`);
    await el.waitFor();
    expect(await el.isVisible()).toBe(true);
    expect(await el.evaluate((e) => e.matches(":target"))).toBe(true);
    expect(await page.locator(".pager .cur").first().innerText()).not.toBe("1");
    await close();
  }, 30_000);

  test("the first page stays small", async () => {
    const { page, close } = await open();
    await page.goto(`${base}/share/BigShare`);
    const count = await page.locator("article.msg").count();
    expect(count).toBeGreaterThan(0);
    expect(count).toBeLessThanOrEqual(30);
    expect(await page.locator(".pager a[rel=next]").first().isVisible()).toBe(true);
    await close();
  }, 30_000);
});

describe("OpenCode 2 share", () => {
  test("the captured 2.x turn reads like a 1.x share: header, prompt, bash call and answer, no console errors", async () => {
    const { page, problems, close } = await open();
    expect((await page.goto(`${base}/share/4LAeho00`))?.status()).toBe(200);
    expect(await page.locator("article.msg").count()).toBe(3);
    expect(await visibleText(page, ".session-head .stats")).toContain("240 in · 24 out");
    expect(await visibleText(page, "article.msg-user")).toContain("Run echo hi and tell me what it printed.");
    expect(await visibleText(page, ".tool:has(.tool-name:text-is('bash')) .term")).toContain("hi");
    expect(await visibleText(page, ".exit")).toBe("exit 0");
    expect(await visibleText(page, "article.msg-assistant >> nth=1")).toContain("The command printed: hi");
    expect(problems).toEqual([]);
    await page.screenshot({ path: `${ARTIFACTS}/share-v2.png`, fullPage: true });
    await close();
  }, 30_000);

  test("with JavaScript disabled every 2.x message is there and a permalink targets its part", async () => {
    const { page, close } = await open({ javaScriptEnabled: false });
    await page.goto(`${base}/share/4LAeho00#p-call_1796153658749`);
    expect(await page.locator("article.msg").last().isVisible()).toBe(true);
    expect(await page.locator("#p-call_1796153658749").isVisible()).toBe(true);
    expect(await page.evaluate(() => document.querySelector(":target")?.id)).toBe("p-call_1796153658749");
    await page.goto(`${base}/share/HostileV`);
    expect(await page.locator("article.msg-event").count()).toBe(3);
    expect(await page.locator("article.msg-shell .tool-name").innerText()).toBe("bash");
    await close();
  }, 30_000);
});

describe("hostile share", () => {
  test("nothing executes: no script, handler, dialog or title change", async () => {
    const { page, problems, close } = await open();
    for (const path of ["/share/Hostile1", "/share/Hostile1?page=2", "/share/HostileV"]) {
      await page.goto(`${base}${path}`);
      // open every collapsed block so lazily parsed content is live in the DOM
      await page.evaluate(() => document.querySelectorAll("details").forEach((d) => (d.open = true)));
      await page.mouse.move(200, 300);
      await page.waitForTimeout(300);
      expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
      expect(await page.title()).not.toBe("pwned");
      expect(await page.locator("script:not([src^='/static/'])").count()).toBe(0);
      expect(await page.locator("iframe, object, embed, svg").count()).toBe(0);
    }
    await page.screenshot({ path: `${ARTIFACTS}/share-hostile.png` });
    expect(problems.filter((p) => !p.includes("Content Security Policy"))).toEqual([]);
    await close();
  }, 30_000);
});

describe("other pages", () => {
  test("landing page explains setup; 404 and cannot-display pages render", async () => {
    const { page, problems, close } = await open();
    expect((await page.goto(`${base}/`))?.status()).toBe(200);
    expect(await page.locator("h1").innerText()).toBe("better-share");
    expect(await page.getByText("opencode-better-share").first().isVisible()).toBe(true);
    await page.screenshot({ path: `${ARTIFACTS}/landing.png` });
    expect((await page.goto(`${base}/share/NoSuchId`))?.status()).toBe(404);
    expect(await page.locator("h1").innerText()).toBe("Share not found");
    expect((await page.goto(`${base}/share/Broken01`))?.status()).toBe(422);
    expect(await page.locator("h1").innerText()).toBe("This share cannot be displayed");
    expect(problems.filter((p) => !/status of 4\d\d/.test(p))).toEqual([]);
    await close();
  }, 30_000);
});
