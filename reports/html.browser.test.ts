// Goal: the HTML report works in a real browser. Headless Chromium (Debian's package, driven by
// playwright-core; never a browser download) opens the report of the acceptance command,
// sees no console errors and no network request, clicks the failing no-oversell cell, and finds that
// violation's timeline on screen with the two buyers who raced for the last unit. A screenshot is
// saved under the test's temp dir. Skipped, saying so, only when no Chromium is installed.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

if (!CHROMIUM) console.warn("reports/html.browser.test.ts: SKIPPED: no Chromium at /usr/bin/chromium (install Debian's `chromium` package; .ci/run does)");

describe.skipIf(!CHROMIUM)(`report.html in headless Chromium (${CHROMIUM ?? "not installed: skipped"})`, () => {
  it("no console errors or network; clicking a failing cell shows that violation's timeline", async () => {
    const dir = mkdtempSync(join(tmpdir(), "checkout-sim-report-"));
    const out = join(dir, "report");
    const run = spawnSync(process.execPath, ["bin/checkout-sim.mjs", "run", "flash-sale", "--disable", "reservation", "--seeds", "3", "--out", out], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    expect(run.status, run.stderr).toBe(1);
    const file = join(out, "report.html");
    const html = readFileSync(file, "utf8");
    expect(html).not.toMatch(/\b(src|href)="(https?:)?\/\//); // self-contained: nothing to fetch

    const { chromium } = await import("playwright-core");
    const browser = await chromium.launch({ executablePath: CHROMIUM!, args: ARGS, headless: true });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const errors: string[] = [];
      const requests: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error") errors.push(m.text());
      });
      page.on("pageerror", (e) => errors.push(String(e)));
      page.on("request", (r) => {
        if (!r.url().startsWith("file:")) requests.push(r.url());
      });
      await page.goto(pathToFileURL(file).href);

      await page.click(`td.fail a[href="#v-flash-sale-no-oversell"]`);
      await page.waitForFunction(() => location.hash === "#v-flash-sale-no-oversell");
      const section = page.locator("#v-flash-sale-no-oversell");
      const timeline = section.locator("svg.timeline");
      await timeline.scrollIntoViewIfNeeded();
      const inView = await timeline.evaluate((el) => {
        const r = el.getBoundingClientRect();
        return r.height > 0 && r.top < window.innerHeight && r.bottom > 0;
      });
      expect(inView).toBe(true);
      // The violation's own steps are highlighted, in the lanes of the two buyers and their checkouts.
      expect(await timeline.locator("g.op.hot").count()).toBeGreaterThanOrEqual(4);
      const lanes = await timeline.locator("text.lanelabel").allTextContents();
      expect(lanes.filter((l) => l.startsWith("buyer:")).length).toBe(2);
      expect(lanes.filter((l) => l.startsWith("checkout:")).length).toBe(2);
      // Hover text carries the step in plain words.
      expect(await timeline.locator("g.op.hot title").first().textContent()).toMatch(/^t=\d+ms /);
      // The statechart marks the violating checkout's path.
      expect(await section.locator("svg.statechart path.edge.path").count()).toBeGreaterThan(3);
      await section.locator("button.copy").click();
      await expect.poll(() => section.locator("button.copy").textContent()).toBe("Copied");

      const screenshot = join(dir, "report-no-oversell.png");
      await section.screenshot({ path: screenshot });
      expect(existsSync(screenshot)).toBe(true);
      console.log(`screenshot: ${screenshot}`);
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
