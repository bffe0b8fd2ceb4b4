// Row 4: the 20 MB session's pages in headless Chromium, longest main-thread
// task ÷ the same-size HTML without our CSS/JS (page-browser.ts, this session only).
const p = Bun.spawn(["bun", `${import.meta.dir}/page-browser.ts`], { env: { ...process.env, BENCH_SESSIONS: "20 MB" }, stdout: "inherit", stderr: "inherit" });
process.exit(await p.exited);
