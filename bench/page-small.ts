// Row 5: the small (fixture) session in headless Chromium, navigation → last
// message visible ÷ the same HTML without CSS/JS (page-browser.ts, this session only).
const p = Bun.spawn(["bun", `${import.meta.dir}/page-browser.ts`], { env: { ...process.env, BENCH_SESSIONS: "fixture" }, stdout: "inherit", stderr: "inherit" });
process.exit(await p.exited);
