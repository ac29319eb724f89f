// Drives the review workbench in Debian's chromium: upload a log, open a rule, read the spans each
// capture took, the event × field table, the en/ru text and the knowledge-base comparison; make
// an edit that does not compile (its diagnostic at its line), then a field-mapping edit that
// re-validates; accept three rules and download them; at 1280×800 and 390×844, screenshots of
// the rules table and a rule view, with checks that nothing overflows sideways and that every
// control of the flow is on screen and takes a click.
// Usage: node review.mjs URL LOG OUT_DIR TOKEN RULE_ID_SUFFIX. Prints one JSON line of findings.
import { chromium } from "playwright-core";
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { join } from "node:path";

const [url, log, out, token, ruleSuffix] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.NORMFORGE_CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

// A tar archive's files (ustar/GNU headers, GNU long names): path → text.
function untar(buf) {
  const files = {};
  let long = null;
  for (let off = 0; off + 512 <= buf.length;) {
    const h = buf.subarray(off, off + 512);
    if (h.every((b) => b === 0)) { break; }
    const str = (a, b) => h.subarray(a, b).toString("latin1").replace(/\0.*$/s, "");
    const size = parseInt(str(124, 136).trim() || "0", 8);
    const type = String.fromCharCode(h[156]);
    const data = buf.subarray(off + 512, off + 512 + size);
    const prefix = str(345, 500);
    const name = long ?? (prefix ? `${prefix}/${str(0, 100)}` : str(0, 100));
    if (type === "L") {
      long = data.toString("utf8").replace(/\0.*$/s, "");
    } else {
      if (type === "0" || type === "\0") { files[name] = data.toString("utf8"); }
      long = null;
    }
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

// Whether the page scrolls sideways, and, per control, whether it is on screen and is what a
// click at its centre hits.
async function layout(page, selectors) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  const controls = {};
  for (const sel of selectors) {
    const handle = await page.$(sel);
    if (!handle) { controls[sel] = "missing"; continue; }
    await handle.scrollIntoViewIfNeeded();
    controls[sel] = await handle.evaluate((e) => {
      const r = e.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) { return "not visible"; }
      if (r.left < 0 || r.right > window.innerWidth + 0.5) { return `off screen (${Math.round(r.left)}–${Math.round(r.right)})`; }
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      if (!hit || !(hit === e || e.contains(hit) || hit.contains(e))) { return `covered by ${hit ? hit.tagName : "nothing"}`; }
      return "ok";
    });
  }
  return { overflow, controls };
}

const TABLE_CONTROLS = ["#log", "#submit", "#download", "#filter", "#accept-download",
  "#packages tbody tr:first-child td.pick input", "#packages tbody tr:first-child td.name"];
const VIEW_CONTROLS = ["#close-view", "#events-next", "#formula", "#revalidate", "#revert"];

try {
  const page = await browser.newPage({ acceptDownloads: true, viewport: { width: 1280, height: 800 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("dialog", async (d) => { errors.push(`dialog: ${d.message()}`); await d.dismiss(); });
  await page.goto(`${url}#token=${encodeURIComponent(token)}`);
  await page.setInputFiles("#log", log);
  await page.click("#submit");
  await page.waitForSelector("#packages tbody tr", { timeout: 300_000 });
  const status = await page.textContent("#status");
  const findings = { status, errors, shots: [] };

  const shot = async (name, fullPage = false) => {
    const path = join(out, name);
    await page.screenshot({ path, fullPage });
    findings.shots.push(path);
  };
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot("review-table-1280x800.png");
  findings.table_1280 = await layout(page, TABLE_CONTROLS);
  findings.rules_total = await page.textContent("#range");
  findings.in_kb = await page.$$eval("#packages tbody tr td:nth-child(8)", (tds) => tds.map((td) => td.textContent));

  // Find the rule by the filter box, and open it.
  const target = `tr.pkg[data-id$="${ruleSuffix}"]`;
  await page.fill("#filter", ruleSuffix);
  await page.waitForFunction((s) => {
    const rows = [...document.querySelectorAll("#packages tbody tr")];
    return rows.length > 0 && rows.every((r) => r.dataset.id.includes(s));
  }, ruleSuffix);
  findings.filtered_rows = await page.$$eval("#packages tbody tr", (trs) => trs.map((tr) => tr.dataset.id));
  await page.click(`${target} td.name`);
  await page.waitForSelector("#viewer:not([hidden]) #events mark.cap");
  findings.rule_title = await page.textContent("#viewer-title");
  findings.head = await page.textContent("#head");
  findings.spans = await page.$$eval("#events .event:first-child mark", (ms) =>
    ms.map((m) => ({ kind: m.classList.contains("key") ? "key" : "capture", name: m.title, text: m.textContent })));
  findings.events_range = await page.textContent("#events-range");
  findings.assignment = await page.$$eval("#assignment tbody tr", (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
  findings.grid_columns = await page.$$eval("#grid thead th", (ths) => ths.map((th) => th.textContent));
  findings.grid_rows = await page.$$eval("#grid tbody tr", (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
  findings.desc_en = await page.textContent("#desc-en");
  findings.desc_ru = await page.textContent("#desc-ru");
  await page.waitForFunction(() => !document.querySelector("#kb").textContent.startsWith("Loading"));
  findings.kb = await page.textContent("#kb");

  // An edit that does not compile: refused, its diagnostic at its line.
  const generated = await page.$eval("#formula", (t) => t.value);
  const lines = generated.split("\n");
  const broken = lines.findIndex((l) => /^protocol = /.test(l));
  const bad = lines.map((l, i) => (i === broken ? l.replace("protocol = ", "protocol = = ") : l)).join("\n");
  await page.fill("#formula", bad);
  await page.click("#revalidate");
  await page.waitForSelector("#edit-status.bad");
  findings.bad_edit = {
    line: broken + 1,
    status: await page.textContent("#edit-status"),
    diagnostics: await page.$$eval("#diagnostics li", (lis) => lis.map((li) => li.textContent)),
    gutter_marked: await page.$$eval("#gutter .err", (s) => s.map((x) => x.textContent)),
  };

  // A field-mapping edit: the device name goes to event_src.host instead of event_src.hostname.
  const edited = generated.replace(/^event_src\.hostname = /m, "event_src.host = ");
  findings.edit_changed = edited !== generated;
  await page.fill("#formula", edited);
  await page.click("#revalidate");
  await page.waitForSelector("#edit-status.ok");
  await page.waitForSelector("#edited-tag .tag");
  findings.good_edit = {
    status: await page.textContent("#edit-status"),
    diff: await page.textContent("#diff"),
    grid_columns: await page.$$eval("#grid thead th", (ths) => ths.map((th) => th.textContent)),
  };
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.$eval("#viewer", (v) => v.scrollIntoView({ block: "start" }));
  await shot("review-rule-1280x800.png", true);
  findings.view_1280 = await layout(page, VIEW_CONTROLS);

  // Back to every rule; accept the edited one and two others.
  await page.click("#close-view");
  await page.fill("#filter", "");
  await page.waitForFunction(() => document.querySelectorAll("#packages tbody tr").length > 3);
  findings.edited_marked = await page.$eval(`${target} td.name`, (td) => td.textContent.includes("edited"));
  const ids = await page.$$eval("#packages tbody tr", (trs) => trs.map((tr) => tr.dataset.id));
  const chosen = [ids.find((i) => i.endsWith(ruleSuffix)), ...ids.filter((i) => !i.endsWith(ruleSuffix)).slice(0, 2)];
  for (const id of chosen) { await page.check(`tr.pkg[data-id="${id}"] td.pick input`); }
  findings.accepted = chosen;
  findings.accept_button = await page.textContent("#accept-download");
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#accept-download")]);
  const archive = join(out, "accepted.tar.gz");
  await download.saveAs(archive);
  const tar = gunzipSync(readFileSync(archive));
  const files = untar(tar);
  findings.archive = Object.keys(files);
  const dirs = await page.$$eval("#packages tbody tr", (trs) => trs.map((tr) => [tr.dataset.id, tr.querySelector("td.name").firstChild.textContent]));
  findings.accepted_dirs = chosen.map((id) => (dirs.find(([i]) => i === id) || [])[1]);
  findings.archive_edited_formula = files[`${findings.accepted_dirs[0]}/formula.xp`] || null;
  findings.archive_edited_norm = files[`${findings.accepted_dirs[0]}/tests/norm_1.js`] || null;
  findings.review_md = files["review.md"] || null;

  // The phone size.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot("review-table-390x844.png");
  findings.table_390 = await layout(page, TABLE_CONTROLS);
  await page.click(`${target} td.name`);
  await page.waitForSelector("#viewer:not([hidden]) #events mark.cap");
  await page.$eval("#viewer", (v) => v.scrollIntoView({ block: "start" }));
  await shot("review-rule-390x844.png", true);
  findings.view_390 = await layout(page, VIEW_CONTROLS);
  console.log(JSON.stringify(findings));
} finally {
  await browser.close();
}
