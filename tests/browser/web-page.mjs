// Drives the service's web page in Debian's chromium: upload a log, watch the progress, browse
// the packages with their validation status, open a formula, download the archive, take a
// screenshot. Usage: node web-page.mjs URL LOG OUT_DIR TOKEN: the page asks for the token once
// (a prompt), and the answer is TOKEN. Prints one JSON line of findings.
import { chromium } from "playwright-core";
import { statSync, readFileSync } from "node:fs";
import { join } from "node:path";

const [url, log, out, token] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.NORMFORGE_CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const page = await browser.newPage({ acceptDownloads: true, viewport: { width: 1200, height: 1000 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  let asked = 0;
  page.on("dialog", async (d) => { asked += 1; await d.accept(token); });
  await page.goto(url);
  await page.setInputFiles("#log", log);
  await page.click("#submit");
  const stages = new Set();
  // Watch the status line until the table appears.
  const deadline = Date.now() + 300_000;
  while (!(await page.isVisible("#packages"))) {
    const s = await page.textContent("#status");
    if (s) { stages.add(s.replace(/[0-9]+/g, "N")); }
    if (await page.$("#status.error")) { throw new Error(`the page reports an error: ${s}`); }
    if (Date.now() > deadline) { throw new Error(`no result; last status: ${s}`); }
    await page.waitForTimeout(50);
  }
  const rows = await page.$$eval("#packages tbody tr", (trs) =>
    trs.map((tr) => Array.from(tr.children).map((td) => td.textContent)));
  await page.click("#packages tbody tr:first-child td.name");
  await page.waitForSelector("#viewer:not([hidden])");
  await page.waitForFunction(() => document.querySelector("#formula").value.length > 0);
  const formula = await page.$eval("#formula", (t) => t.value);
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download")]);
  const archive = join(out, "package.tar.gz");
  await download.saveAs(archive);
  const magic = readFileSync(archive).subarray(0, 2).toString("hex");
  const shot = join(out, "web-page.png");
  await page.screenshot({ path: shot, fullPage: false });
  console.log(JSON.stringify({
    status: await page.textContent("#status"),
    stages: [...stages],
    rows,
    formula,
    archive_bytes: statSync(archive).size,
    archive_magic: magic,
    screenshot: shot,
    token_asked: asked,
    errors,
  }));
} finally {
  await browser.close();
}
