// Browser tests of `frontline serve`: a run and an ensemble of the example
// scenario are served, opened in headless Chromium, and the page is checked
// against the data it was sent: every region drawn, the slider spanning every
// date, fills matching the controller (run) or the actor's probability
// (ensemble) on the chosen date, tooltips naming the region.
//
// Usage: node viewer.test.mjs   (FRONTLINE_BIN: the binary, default
// ../../target/debug/frontline; CHROMIUM: default /usr/bin/chromium)
import { chromium } from "playwright-core";
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const bin = process.env.FRONTLINE_BIN || join(root, "target", "debug", "frontline");
const example = join(root, "examples", "vicious-circle.toml");
const work = mkdtempSync(join(tmpdir(), "frontline-browser-"));
const servers = [];

function serve(dir) {
  return new Promise((ok, fail) => {
    const p = spawn(bin, ["serve", dir, "--port", "0"], { cwd: root });
    servers.push(p);
    let out = "";
    p.stdout.on("data", (b) => {
      out += b;
      const m = out.match(/http:\/\/[^ ]+\//);
      if (m) ok(m[0]);
    });
    p.stderr.on("data", (b) => (out += b));
    p.on("exit", (code) => fail(new Error(`serve exited ${code}: ${out}`)));
  });
}

function blend(hex, t) {
  const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return "#" + c.map((x) => Math.round(255 + (x - 255) * t).toString(16).padStart(2, "0")).join("");
}

async function setSlider(page, k) {
  await page.$eval("#slider", (s, v) => { s.value = String(v); s.dispatchEvent(new Event("input")); }, k);
}

let failures = 0;
async function test(name, body) {
  try {
    await body();
    console.log(`ok - ${name}`);
  } catch (e) {
    failures++;
    console.log(`not ok - ${name}\n${e.stack}`);
  }
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox"],
});
try {
  const runDir = join(work, "run");
  const ensDir = join(work, "ens");
  execFileSync(bin, ["run", example, "--seed", "7", "--out", runDir, "-q", "--no-maps", "--no-report"], { cwd: root });
  execFileSync(bin, ["ensemble", example, "--runs", "40", "--out", ensDir, "-q", "--no-maps", "--no-report"], { cwd: root });

  await test("a run: every region drawn, coloured by its controller on the chosen date", async () => {
    const url = await serve(runDir);
    const data = await (await fetch(url + "data.json")).json();
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e));
    await page.goto(url);
    await page.waitForSelector("body[data-ready=true]");
    assert.equal(await page.locator("#map .region").count(), data.regions.length);
    assert.equal(await page.$eval("#slider", (s) => Number(s.max)), data.dates.length - 1);
    assert.equal(await page.textContent("#title"), data.title);
    for (const k of [0, 20, data.dates.length - 1]) {
      await setSlider(page, k);
      assert.equal(await page.textContent("#date"), data.dates[k]);
      const fills = await page.$$eval("#map .region", (rs) => rs.map((r) => r.getAttribute("fill")));
      const want = data.control[k].map((a) => (a >= 0 ? data.actors[a].colour : "#eeeeee"));
      assert.deepEqual(fills, want, `fills on ${data.dates[k]}`);
      const contested = await page.$$eval("#map .region", (rs) => rs.map((r) => r.classList.contains("contested") ? 1 : 0));
      assert.deepEqual(contested, data.contested[k]);
    }
    // The map changes over time (the example's city changes hands).
    assert.notDeepEqual(data.control[0], data.control[data.dates.length - 1]);
    // Hovering names the region and its holder.
    const city = data.regions.findIndex((r) => r.id === "city");
    await page.hover(`#map [data-region=city]`);
    const k = data.dates.length - 1;
    const holder = data.control[k][city] >= 0 ? data.actors[data.control[k][city]].name : "nobody";
    assert.match(await page.textContent("#info"), new RegExp(`^City \\(city\\): ${holder}`));
    assert.deepEqual(errors, []);
    await page.close();
  });

  await test("an ensemble: shaded by the chosen actor's probability of control", async () => {
    const url = await serve(ensDir);
    const data = await (await fetch(url + "data.json")).json();
    const page = await browser.newPage();
    await page.goto(url);
    await page.waitForSelector("body[data-ready=true]");
    const options = await page.$$eval("#actor option", (os) => os.map((o) => o.textContent));
    assert.ok(options.includes("Insurgency") && options.includes("Government"), options.join(", "));
    assert.ok(!options.includes("United States"), "actors that never hold ground are not offered");
    const isis = data.actors.findIndex((a) => a.id === "isis");
    await page.selectOption("#actor", String(isis));
    const k = data.dates.length - 1;
    await setSlider(page, k);
    const fills = await page.$$eval("#map .region", (rs) => rs.map((r) => r.getAttribute("fill")));
    assert.deepEqual(fills, data.probability[isis][k].map((p) => blend(data.actors[isis].colour, p)));
    await page.hover(`#map [data-region=desert]`);
    assert.match(await page.textContent("#info"), /^Desert \(desert\): P\(Insurgency holds\) = \d\.\d\d$/);
    await page.close();
  });

  await test("a comparison: a row per arm and a forest plot of the differences", async () => {
    const cmpDir = join(work, "cmp");
    const arm = join(root, "examples", "variants", "arm-tribes.toml");
    execFileSync(bin, ["compare", example, "--arm", arm, "--runs", "60", "--outcome",
      "controls(isis, city) by 2015-05-31", "--out", cmpDir, "-q", "--no-report"], { cwd: root });
    const url = await serve(cmpDir);
    const data = await (await fetch(url + "data.json")).json();
    const page = await browser.newPage();
    await page.goto(url);
    await page.waitForSelector("body[data-ready=true]");
    assert.equal(await page.isVisible("#map"), false, "no map for a comparison");
    const arms = await page.$$eval("#compare tr[data-arm]", (rs) => rs.map((r) => r.dataset.arm));
    assert.deepEqual(arms, ["baseline", "arm-tribes"]);
    const armed = data.results.find((r) => r.arm === "arm-tribes");
    const cells = await page.$$eval("#compare tr[data-arm=arm-tribes] td", (ts) => ts.map((t) => t.textContent));
    assert.equal(cells[1], armed.estimate.toFixed(3));
    assert.equal(cells[3], (armed.difference >= 0 ? "+" : "") + armed.difference.toFixed(3));
    assert.equal(await page.locator("svg.forest circle.estimate").count(), 1);
    await page.close();
  });

  await test("Play walks the slider forward", async () => {
    const url = await serve(runDir);
    const page = await browser.newPage();
    await page.goto(url);
    await page.waitForSelector("body[data-ready=true]");
    await page.click("#play");
    await page.waitForFunction(() => Number(document.querySelector("#slider").value) >= 3);
    await page.click("#play");
    assert.equal(await page.textContent("#play"), "▶ Play");
    await page.close();
  });
} finally {
  await browser.close();
  for (const s of servers) s.kill();
  rmSync(work, { recursive: true, force: true });
}
if (failures > 0) {
  console.log(`${failures} browser test(s) failed`);
  process.exit(1);
}
console.log("all browser tests passed");
