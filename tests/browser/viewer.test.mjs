// Browser tests of `frontline serve`: a run and an ensemble of the example
// scenario are served, opened in headless Chromium, and the page is checked
// against the data it was sent: every region drawn, the slider spanning every
// date, fills matching the controller (run) or the actor's probability
// (ensemble) on the chosen date, tooltips naming the region. A civil-violence
// run and ensemble are checked the same way (the grid's pixels are the
// snapshot's cells, the charts span the steps), and a results folder moved
// away from its scenario is served as it was.
//
// Usage: node viewer.test.mjs   (FRONTLINE_BIN: the binary, default
// ../../target/debug/frontline; CHROMIUM: default /usr/bin/chromium)
import { chromium } from "playwright-core";
import { spawn, execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const bin = process.env.FRONTLINE_BIN || join(root, "target", "debug", "frontline");
const example = join(root, "examples", "vicious-circle.toml");
const civilExample = join(root, "examples", "civil-violence.toml");
const work = mkdtempSync(join(tmpdir(), "frontline-browser-"));
const servers = [];

function serve(dir, cwd = root) {
  return new Promise((ok, fail) => {
    const p = spawn(bin, ["serve", dir, "--port", "0"], { cwd });
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

// A page of `url`, ready, and the errors it reports (uncaught exceptions and
// console errors, such as a resource that failed to load).
async function open(url) {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  await page.goto(url);
  await page.waitForSelector("body[data-ready=true]");
  return { page, errors };
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
  const civilRunDir = join(work, "civil-run");
  const civilEnsDir = join(work, "civil-ens");
  execFileSync(bin, ["run", civilExample, "--seed", "3", "--set", "output.snapshot_every=10", "--out", civilRunDir, "-q"], { cwd: root });
  execFileSync(bin, ["ensemble", civilExample, "--runs", "20", "--out", civilEnsDir, "-q"], { cwd: root });

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
    assert.deepEqual(fills, data.probability[isis][k].map((p) => (p > 0 ? blend(data.actors[isis].colour, p) : "#dcdcdc")));
    await page.hover(`#map [data-region=desert]`);
    assert.match(await page.textContent("#info"), /^Desert \(desert\): P\(Insurgency holds\) = \d\.\d\d$/);
    await page.close();
  });

  await test("an ensemble: regions at probability 0 stay visible (grey, outlined)", async () => {
    const url = await serve(ensDir);
    const data = await (await fetch(url + "data.json")).json();
    const page = await browser.newPage();
    await page.goto(url);
    await page.waitForSelector("body[data-ready=true]");
    const isis = data.actors.findIndex((a) => a.id === "isis");
    await page.selectOption("#actor", String(isis));
    await setSlider(page, 0);
    const zero = data.probability[isis][0].findIndex((p) => p === 0);
    assert.ok(zero >= 0, "some region is never held by the insurgency at the start");
    const id = data.regions[zero].id;
    const look = await page.$eval(`#map [data-region=${id}]`, (r) => {
      const cs = getComputedStyle(r);
      return { fill: r.getAttribute("fill"), stroke: cs.stroke };
    });
    assert.equal(look.fill, "#dcdcdc", "a neutral grey, not white");
    assert.notEqual(look.stroke, "rgb(255, 255, 255)", "outlined, not white on white");
    const legend = await page.textContent("#legend");
    assert.match(legend, /0: held in no run/);
    // The search box finds a region by its name, ignoring case, and outlines it.
    await page.fill("#search", "DESERT");
    await page.$eval("#search", (b) => b.dispatchEvent(new Event("change")));
    assert.match(await page.textContent("#info"), /^Desert \(desert\): P\(/);
    assert.equal(await page.$eval("#map [data-region=desert]", (r) => r.classList.contains("found")), true);
    await page.close();
  });

  await test("a comparison: maps per arm, ΔP on hover, a row per arm and a forest plot", async () => {
    const cmpDir = join(work, "cmp");
    const arm = join(root, "examples", "variants", "arm-tribes.toml");
    execFileSync(bin, ["compare", example, "--arm", arm, "--runs", "60", "--outcome",
      "controls(isis, city) by 2015-05-31", "--out", cmpDir, "-q", "--no-report"], { cwd: root });
    const url = await serve(cmpDir);
    const data = await (await fetch(url + "data.json")).json();
    const page = await browser.newPage();
    await page.goto(url);
    await page.waitForSelector("body[data-ready=true]");
    // The map: every region drawn, the key dates on the slider, ΔP of the chosen actor by default.
    assert.equal(await page.isVisible("#map"), true, "a theatre comparison has a map");
    assert.equal(await page.locator("#map .region").count(), data.regions.length);
    assert.deepEqual(data.arms, ["baseline", "arm-tribes"]);
    assert.equal(await page.$eval("#slider", (s) => Number(s.max)), data.dates.length - 1);
    const views = await page.$$eval("#view option", (os) => os.map((o) => o.value));
    assert.deepEqual(views, ["d1", "p0", "p1"]);
    const a = Number(await page.$eval("#actor", (s) => s.value));
    const k = data.dates.length - 1;
    await setSlider(page, k);
    const city = data.regions.findIndex((r) => r.id === "city");
    await page.hover("#map [data-region=city]");
    const dp = data.probability[1][k][a][city] - data.probability[0][k][a][city];
    const info = await page.textContent("#info");
    assert.ok(info.startsWith("City (city):"), info);
    assert.ok(info.includes(`ΔP(arm-tribes) = ${dp >= 0 ? "+" : ""}${dp.toFixed(2)}`), info);
    // One arm's P: the baseline's fills follow its probabilities.
    await page.selectOption("#view", "p0");
    const fills = await page.$$eval("#map .region", (rs) => rs.map((r) => r.getAttribute("fill")));
    assert.deepEqual(fills, data.probability[0][k][a].map((p) => (p > 0 ? blend(data.actors[a].colour, p) : "#dcdcdc")));
    const arms = await page.$$eval("#compare tr[data-arm]", (rs) => rs.map((r) => r.dataset.arm));
    assert.deepEqual(arms, ["baseline", "arm-tribes"]);
    const armed = data.results.find((r) => r.arm === "arm-tribes");
    const cells = await page.$$eval("#compare tr[data-arm=arm-tribes] td", (ts) => ts.map((t) => t.textContent));
    assert.equal(cells[1], armed.estimate.toFixed(3));
    assert.equal(cells[3], (armed.difference >= 0 ? "+" : "") + armed.difference.toFixed(3));
    assert.equal(await page.locator("svg.forest circle.estimate").count(), 1);
    // Why the arms differ: the summary of explain.json, line for line.
    const explained = JSON.parse(readFileSync(join(cmpDir, "explain.json"), "utf8"));
    const arm1 = explained.outcomes[0].arms[0];
    assert.ok(arm1.differing > 0 && arm1.summary.length > 0, "some seeds differ between the arms in the example");
    const summary = await page.$$eval("#compare .why-summary[data-arm=arm-tribes] li", (ls) => ls.map((l) => l.textContent));
    assert.equal(summary.length, arm1.summary.length);
    arm1.summary.forEach(([dir, key, n], i) => {
      assert.match(summary[i], /^in \d+ % of the seeds where the outcome /);
      assert.ok(summary[i].endsWith(`${dir} (${n}), the difference runs through ${key}`), summary[i]);
    });
    assert.match(await page.textContent("#compare .why-summary[data-arm=arm-tribes]"), new RegExp(`${arm1.differing} seeds differ`));
    await page.close();
  });

  await test("a run: clicking a region shows the chain behind its state on the date shown", async () => {
    const url = await serve(runDir);
    const data = await (await fetch(url + "data.json")).json();
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e));
    await page.goto(url);
    await page.waitForSelector("body[data-ready=true]");
    assert.equal(await page.isHidden("#why"), true, "no chain before a click");
    const chains = data.why.city;
    assert.ok(chains.length > 0 && chains.some((c) => c.since), "the city changes hands in the example");
    const last = data.dates.length - 1;
    await setSlider(page, last);
    await page.click("#map [data-region=city]");
    assert.equal(await page.isVisible("#why"), true);
    const shown = await page.textContent("#why");
    let want = chains[0];
    for (const c of chains) if (c.date <= data.dates[last]) want = c;
    assert.equal(shown, want.text, "the chain of the city's last change on the last date");
    assert.match(shown, /passed from .* to /);
    // On the first date, before any change, the page says so.
    await setSlider(page, 0);
    assert.match(await page.textContent("#why"), /held as at the start/);
    assert.deepEqual(errors, []);
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
  await test("a results folder moved away from its scenario is served as it was", async () => {
    const original = await (await fetch((await serve(runDir)) + "data.json")).json();
    const moved = join(work, "elsewhere", "moved-run");
    cpSync(runDir, moved, { recursive: true });
    // Served from a directory where the manifest's relative scenario path names nothing.
    const url = await serve(moved, work);
    assert.deepEqual(await (await fetch(url + "data.json")).json(), original);
    const { page, errors } = await open(url);
    assert.equal(await page.locator("#map .region").count(), original.regions.length);
    assert.deepEqual(errors, []);
    await page.close();
  });

  await test("a civil-violence run: the grid of each snapshot, the counts over time", async () => {
    const url = await serve(civilRunDir);
    const data = await (await fetch(url + "data.json")).json();
    assert.equal(data.kind, "civil-run");
    const { page, errors } = await open(url);
    assert.equal(await page.textContent("#title"), data.title);
    assert.ok(await page.isVisible("#grid"), "the grid is shown");
    assert.equal(await page.isVisible("#map"), false, "no theatre map");
    assert.deepEqual(await page.$eval("#grid", (c) => [c.width, c.height]), [data.grid_width, data.grid_height]);
    const n = data.snapshots.length;
    assert.ok(n >= 100, `${n} snapshots`);
    assert.equal(await page.$eval("#slider", (s) => Number(s.max)), n - 1);
    // The grid changes over the run.
    assert.notEqual(data.snapshots[0].cells, data.snapshots[n - 1].cells);
    const at = (step) => data.steps.indexOf(step);
    for (const k of [0, Math.floor(n / 2), n - 1]) {
      await setSlider(page, k);
      const snap = data.snapshots[k];
      assert.equal(await page.textContent("#date"), `step ${snap.step}`);
      // Every pixel of the canvas, read back as the code of its state's colour.
      const drawn = await page.$eval("#grid", (c, states) => {
        const px = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
        const rgb = states.map((s) => [1, 3, 5].map((i) => parseInt(s.colour.slice(i, i + 2), 16)));
        let out = "";
        for (let i = 0; i < px.length; i += 4) {
          const code = rgb.findIndex((c) => c[0] === px[i] && c[1] === px[i + 1] && c[2] === px[i + 2]);
          out += code < 0 ? "?" : String(code);
        }
        return out;
      }, data.states);
      assert.equal(drawn, snap.cells, `the grid at step ${snap.step}`);
      const legend = await page.textContent("#legend");
      assert.ok(legend.includes(`active: ${data.counts.active[at(snap.step)]}`), legend);
      assert.ok(legend.includes(`jailed: ${data.counts.jailed[at(snap.step)]}`), legend);
    }
    // The charts: citizens by state and arrests, a point per step, visible.
    assert.equal(await page.locator("#charts svg.chart").count(), 2);
    assert.ok(await page.isVisible("#charts svg.chart"));
    const series = await page.$$eval("#charts polyline.series", (ls) => ls.map((l) => [l.dataset.series, l.getAttribute("points").split(" ").length]));
    assert.deepEqual(series, ["active", "quiet", "jailed", "arrests"].map((s) => [s, data.steps.length]));
    // The cursor follows the slider.
    const cursor = () => page.$eval("#charts line.cursor", (l) => Number(l.getAttribute("x1")));
    await setSlider(page, 0);
    const first = await cursor();
    await setSlider(page, n - 1);
    assert.ok((await cursor()) > first);
    // Hovering a cell names its state.
    const box = await page.locator("#grid").boundingBox();
    await page.mouse.move(box.x + 1, box.y + 1);
    const state = data.states[Number(data.snapshots[n - 1].cells[0])].name;
    assert.equal(await page.textContent("#info"), `cell (0, 0): ${state}`);
    // Play walks the snapshots.
    await setSlider(page, 0);
    await page.click("#play");
    await page.waitForFunction(() => Number(document.querySelector("#slider").value) >= 3);
    await page.click("#play");
    assert.deepEqual(errors, []);
    await page.close();
  });

  await test("a civil-violence ensemble: the bands across runs over the steps", async () => {
    const url = await serve(civilEnsDir);
    const data = await (await fetch(url + "data.json")).json();
    assert.equal(data.kind, "civil-ensemble");
    const { page, errors } = await open(url);
    assert.equal(await page.isVisible("#grid"), false, "an ensemble has no grid");
    assert.equal(await page.isVisible("#map"), false);
    assert.equal(await page.$eval("#slider", (s) => Number(s.max)), data.steps.length - 1);
    assert.equal(await page.locator("#charts svg.chart").count(), 2);
    assert.ok(await page.isVisible("#charts svg.chart"));
    // A band and a mean line per metric.
    assert.equal(await page.locator("#charts polygon.band").count(), data.metrics.length);
    const names = await page.$$eval("#charts polyline.series", (ls) => ls.map((l) => l.dataset.series));
    assert.deepEqual(names, data.metrics.map((m) => m.name));
    const k = data.steps.length - 1;
    await setSlider(page, k);
    assert.equal(await page.textContent("#date"), `step ${data.steps[k]}`);
    const legend = await page.textContent("#legend");
    for (const m of data.metrics) {
      assert.ok(legend.includes(`${m.name}: ${m.mean[k].toFixed(3)} (${m.q05[k].toFixed(3)}–${m.q95[k].toFixed(3)})`), legend);
    }
    assert.deepEqual(errors, []);
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
