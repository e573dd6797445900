// Frontline viewer: draws the dataset sent in /data.json. Theatre model: the
// regions, coloured for the date on the slider — by controller for a run, by
// the chosen actor's probability of control for an ensemble. Civil-violence
// model: the grid at the snapshot on the slider and the counts over time
// (run), or the bands across runs over the steps (ensemble). A comparison: a
// table and a forest plot per outcome. No dependencies.
"use strict";

const NOBODY = "#eeeeee";
// Regions whose probability is exactly 0 (held in no run): a neutral grey,
// outlined, as on the static maps, so that they do not vanish on the page.
const ZERO = "#dcdcdc";
const SVG = "http://www.w3.org/2000/svg";

function blend(hex, t) {
  // White (t = 0) to `hex` (t = 1), in sRGB, as the static maps do.
  const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  const m = c.map((x) => Math.round(255 + (x - 255) * t));
  return "#" + m.map((x) => x.toString(16).padStart(2, "0")).join("");
}

// One line of a legend: a colour swatch and its text.
function legendRow(legend, colour, text) {
  const d = document.createElement("div");
  const s = document.createElement("span");
  s.className = "swatch";
  s.style.background = colour;
  d.append(s, text);
  legend.appendChild(d);
}

function el(name, attrs) {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

// The key cities: a dot and the name over the map.
function drawPlaces(map, data) {
  for (const p of data.places || []) {
    const g = el("g", { class: "place" });
    g.append(el("circle", { cx: p.x, cy: p.y, r: 3 }));
    const t = el("text", { x: p.x + 5, y: p.y - 4 });
    t.textContent = p.name;
    g.appendChild(t);
    map.appendChild(g);
  }
}

// A region's name as the page shows it: its places' names first.
function regionLabel(data, i) {
  const r = data.regions[i];
  const names = (data.places || []).filter((p) => p.region === i).map((p) => p.name);
  return names.length && !(names.length === 1 && names[0] === r.name) ? `${names.join(", ")} — ${r.name}` : r.name;
}

// The search box: a region id, a region name, or a place's name or alias
// (ignoring case) finds the region, outlines it and shows its tooltip.
function search(data, shapes, tip) {
  const box = document.getElementById("search");
  const status = document.getElementById("info");
  box.parentElement.hidden = false;
  const list = document.getElementById("places-list");
  for (const p of data.places || []) list.appendChild(new Option(p.name));
  box.addEventListener("change", () => {
    const q = box.value.trim().toLowerCase();
    shapes.forEach((s) => s.classList.remove("found"));
    if (!q) return;
    let i = data.regions.findIndex((r) => r.id.toLowerCase() === q);
    if (i < 0) {
      const p = (data.places || []).find((p) => p.name.toLowerCase() === q || p.aliases.some((a) => a.toLowerCase() === q));
      if (p) i = p.region;
    }
    if (i < 0) i = data.regions.findIndex((r) => r.name.toLowerCase() === q);
    if (i < 0) i = data.regions.findIndex((r) => r.name.toLowerCase().includes(q));
    if (i < 0) { status.textContent = `No region or place called “${box.value}”.`; return; }
    shapes[i].classList.add("found");
    shapes[i].parentNode.appendChild(shapes[i]);
    for (const g of shapes[i].parentNode.querySelectorAll("g.place")) g.parentNode.appendChild(g);
    status.textContent = tip(i);
  });
}

// Red (ΔP = −extent) through white to blue (+extent), as the static difference maps.
function diverging(d, extent) {
  const t = Math.max(-1, Math.min(1, d / extent));
  const to = t < 0 ? "#c0392b" : "#2166ac";
  return blend(to, Math.abs(t));
}

// A comparison's maps: for the chosen actor and key date, ΔP (an arm −
// the baseline) or one arm's P; hovering a region gives every arm's P and ΔP.
function compareMap(data) {
  const map = document.getElementById("map");
  const slider = document.getElementById("slider");
  const dateLabel = document.getElementById("date");
  const actorSelect = document.getElementById("actor");
  const viewSelect = document.getElementById("view");
  const legend = document.getElementById("legend");
  const info = document.getElementById("info");
  document.getElementById("play").hidden = true;
  map.setAttribute("width", data.width);
  map.setAttribute("height", data.height);
  map.setAttribute("viewBox", `0 0 ${data.width} ${data.height}`);
  map.classList.add("probability");
  for (const [x1, y1, x2, y2] of data.links) map.appendChild(el("line", { x1, y1, x2, y2, class: "link" }));
  const shapes = data.regions.map((r) => {
    const s = r.d ? el("path", { d: r.d, class: "region" }) : el("circle", { cx: r.circle[0], cy: r.circle[1], r: r.circle[2], class: "region" });
    s.dataset.region = r.id;
    map.appendChild(s);
    return s;
  });
  drawPlaces(map, data);
  const P = data.probability; // [arm][date][actor][region]
  slider.max = data.dates.length - 1;
  document.getElementById("actor-label").hidden = false;
  document.getElementById("view-label").hidden = false;
  data.actors.forEach((a, i) => {
    if (P.some((arm) => arm.some((d) => d[i].some((p) => p > 0)))) actorSelect.appendChild(new Option(a.name, String(i)));
  });
  // Start on the last date, with the actor the first arm moves most.
  slider.value = slider.max;
  const moved = (i) => P[0].reduce((sum, d, k) => sum + d[i].reduce((s2, p, r) => s2 + Math.abs(P[P.length - 1][k][i][r] - p), 0), 0);
  const offered = [...actorSelect.options].map((o) => Number(o.value));
  if (offered.length) actorSelect.value = String(offered.reduce((best, i) => (moved(i) > moved(best) ? i : best), offered[0]));
  data.arms.slice(1).forEach((name, j) => viewSelect.appendChild(new Option(`ΔP: ${name} − baseline`, `d${j + 1}`)));
  data.arms.forEach((name, j) => viewSelect.appendChild(new Option(`P: ${name}`, `p${j}`)));
  const f = (x) => x.toFixed(2);
  const sg = (x) => (x >= 0 ? "+" : "") + x.toFixed(2);
  const tip = (i) => {
    const k = Number(slider.value), a = Number(actorSelect.value);
    const r = data.regions[i];
    const parts = data.arms.map((name, j) => `P(${name}) = ${f(P[j][k][a][i])}`);
    const deltas = data.arms.slice(1).map((name, j) => `ΔP(${name}) = ${sg(P[j + 1][k][a][i] - P[0][k][a][i])}`);
    return `${regionLabel(data, i)} (${r.id}): ${data.actors[a].name} holds — ${parts.join(", ")}; ${deltas.join(", ")}`;
  };
  function draw() {
    const k = Number(slider.value), a = Number(actorSelect.value), v = viewSelect.value;
    dateLabel.textContent = data.dates[k];
    document.body.dataset.date = data.dates[k];
    legend.innerHTML = "";
    const row = (colour, text) => legendRow(legend, colour, text);
    const arm = Number(v.slice(1));
    if (v[0] === "d") {
      const d = data.regions.map((_, i) => P[arm][k][a][i] - P[0][k][a][i]);
      const extent = Math.min(1, Math.max(0.05, Math.ceil(Math.max(...d.map(Math.abs)) * 20) / 20));
      shapes.forEach((s, i) => s.setAttribute("fill", diverging(d[i], extent)));
      for (const t of [1, 0.5, 0, -0.5, -1]) row(diverging(t * extent, extent), `ΔP = ${sg(t * extent)}`);
    } else {
      shapes.forEach((s, i) => {
        const p = P[arm][k][a][i];
        s.setAttribute("fill", p > 0 ? blend(data.actors[a].colour, p) : ZERO);
      });
      row(ZERO, "0: held in no run");
      for (const p of [0.25, 0.5, 0.75, 1]) row(blend(data.actors[a].colour, p), `P = ${p.toFixed(2)}`);
    }
    shapes.forEach((s, i) => { s.dataset.tip = tip(i); });
  }
  shapes.forEach((s) => s.addEventListener("mouseenter", () => { info.textContent = s.dataset.tip; }));
  search(data, shapes, (i) => shapes[i].dataset.tip);
  for (const c of [slider, actorSelect, viewSelect]) c.addEventListener(c === slider ? "input" : "change", draw);
  draw();
}

function showComparison(data) {
  // Per outcome: a table of arms and a forest plot of the paired differences;
  // with the comparison's maps, the maps first.
  const hasMaps = Array.isArray(data.probability);
  document.getElementById("controls").hidden = !hasMaps;
  document.getElementById("layout").hidden = !hasMaps;
  if (hasMaps) compareMap(data);
  const box = document.getElementById("compare");
  box.hidden = false;
  const outcomes = [...new Set(data.results.map((r) => r.outcome))];
  const f = (x) => (x === null || x === undefined ? "—" : x.toFixed(3));
  const s = (x) => (x === null || x === undefined ? "" : (x >= 0 ? "+" : "") + x.toFixed(3));
  for (const o of outcomes) {
    const rows = data.results.filter((r) => r.outcome === o);
    const h = document.createElement("h2");
    h.textContent = o;
    const t = document.createElement("table");
    t.innerHTML = "<tr><th>arm</th><th>estimate</th><th>95 % interval</th><th>Δ vs baseline</th><th>95 % interval</th></tr>";
    for (const r of rows) {
      const tr = document.createElement("tr");
      tr.dataset.arm = r.arm;
      for (const text of [r.arm, f(r.estimate), `[${f(r.low)}, ${f(r.high)}]`, s(r.difference),
        r.difference === null ? "" : `[${s(r.difference_low)}, ${s(r.difference_high)}]`]) {
        const td = document.createElement("td");
        td.textContent = text;
        tr.appendChild(td);
      }
      t.appendChild(tr);
    }
    box.append(h, t);
    // Why the arms differ (issue #13): the summary across the seeds whose outcome differs, after the plot.
    const whys = [];
    for (const w of (data.why || []).filter((w) => w.outcome === o)) {
      const div = document.createElement("div");
      div.className = "why-summary";
      div.dataset.arm = w.arm;
      const p = document.createElement("p");
      p.textContent = `Why ${w.arm} differs: ${w.differing} seed${w.differing === 1 ? "" : "s"} differ from the baseline` +
        (w.region ? ` (chains of ${w.region})` : "") + (w.differing ? ":" : ".");
      const ul = document.createElement("ul");
      for (const line of w.lines) {
        const li = document.createElement("li");
        li.textContent = line;
        ul.appendChild(li);
      }
      div.append(p, ul);
      if (w.first) {
        const f = document.createElement("p");
        f.className = "meta";
        f.textContent = "First such seed: " + w.first + ". frontline explain DIR prints both arms' chains.";
        div.appendChild(f);
      }
      whys.push(div);
    }
    const diffs = rows.filter((r) => r.difference !== null);
    if (diffs.length === 0) {
      box.append(...whys);
      continue;
    }
    const w = 700, left = 160, right = 30, row = 26, height = 34 + row * diffs.length;
    const extent = Math.max(1e-9, ...diffs.map((r) => Math.max(Math.abs(r.difference_low), Math.abs(r.difference_high)))) * 1.1;
    const x = (v) => left + ((w - left - right) * (v + extent)) / (2 * extent);
    const plot = el("svg", { width: w, height, viewBox: `0 0 ${w} ${height}`, class: "forest" });
    plot.appendChild(el("line", { x1: x(0), y1: 4, x2: x(0), y2: height - 16, stroke: "#999", "stroke-dasharray": "3 3" }));
    diffs.forEach((r, i) => {
      const y = 16 + row * i;
      const label = el("text", { x: left - 10, y: y + 4, "text-anchor": "end", "font-size": 12 });
      label.textContent = r.arm;
      plot.append(
        label,
        el("line", { x1: x(r.difference_low), y1: y, x2: x(r.difference_high), y2: y, stroke: "#4e79a7", "stroke-width": 2 }),
        el("circle", { cx: x(r.difference), cy: y, r: 4, fill: "#4e79a7", class: "estimate" }),
      );
    });
    const zero = el("text", { x: x(0), y: height - 4, "text-anchor": "middle", "font-size": 11, fill: "#555" });
    zero.textContent = "0 (no difference)";
    plot.appendChild(zero);
    box.appendChild(plot);
    box.append(...whys);
  }
  document.body.dataset.ready = "true";
}

function rgb(hex) {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

function playButton(slider, draw) {
  // Play walks the slider forward, one position per 150 ms, and stops at the end.
  let timer = null;
  const play = document.getElementById("play");
  const last = () => Number(slider.max);
  play.addEventListener("click", () => {
    if (timer) { clearInterval(timer); timer = null; play.textContent = "▶ Play"; return; }
    if (Number(slider.value) === last()) slider.value = 0;
    play.textContent = "⏸ Pause";
    timer = setInterval(() => {
      if (Number(slider.value) >= last()) { play.click(); return; }
      slider.value = Number(slider.value) + 1;
      draw();
    }, 150);
  });
}

function chart(parent, title, xs, series, yMax) {
  // A line chart of `series` ({name, colour, values, low?, high?}) over `xs`,
  // each with its 5–95 % band where given; returns a function that moves the
  // cursor to x.
  const w = 760, h = 220, left = 50, right = 150, top = 10, bottom = 28;
  const heading = document.createElement("h2");
  heading.textContent = title;
  const svg = el("svg", { width: w, height: h, viewBox: `0 0 ${w} ${h}`, class: "chart" });
  const x0 = xs[0], x1 = Math.max(xs[xs.length - 1], x0 + 1);
  const yTop = yMax ?? Math.max(1e-9, ...series.flatMap((s) => s.high ?? s.values));
  const x = (v) => left + ((w - left - right) * (v - x0)) / (x1 - x0);
  const y = (v) => h - bottom - ((h - top - bottom) * v) / yTop;
  svg.append(
    el("line", { x1: left, y1: y(0), x2: w - right, y2: y(0), class: "axis" }),
    el("line", { x1: left, y1: y(0), x2: left, y2: top, class: "axis" }),
  );
  for (const f of [0, 0.5, 1]) {
    const t = el("text", { x: left - 6, y: y(yTop * f) + 4, "text-anchor": "end" });
    t.textContent = String(Number((yTop * f).toPrecision(3)));
    svg.appendChild(t);
  }
  for (const f of [0, 0.25, 0.5, 0.75, 1]) {
    const v = Math.round(x0 + (x1 - x0) * f);
    const t = el("text", { x: x(v), y: h - bottom + 16, "text-anchor": "middle" });
    t.textContent = String(v);
    svg.appendChild(t);
  }
  const label = el("text", { x: w - right, y: h - 2, "text-anchor": "end" });
  label.textContent = "step";
  svg.appendChild(label);
  series.forEach((s, i) => {
    if (s.low && s.high) {
      const upper = xs.map((v, k) => `${x(v)},${y(s.high[k])}`);
      const lower = xs.map((v, k) => `${x(v)},${y(s.low[k])}`).reverse();
      svg.appendChild(el("polygon", { points: upper.concat(lower).join(" "), fill: s.colour, class: "band" }));
    }
    const points = xs.map((v, k) => `${x(v)},${y(s.values[k])}`).join(" ");
    const line = el("polyline", { points, stroke: s.colour, class: "series" });
    line.dataset.series = s.name;
    const key = el("text", { x: w - right + 10, y: top + 14 + 16 * i, style: `fill: ${s.colour}` });
    key.textContent = s.name;
    svg.append(line, key);
  });
  const cursor = el("line", { x1: x(x0), y1: top, x2: x(x0), y2: y(0), class: "cursor" });
  svg.appendChild(cursor);
  parent.append(heading, svg);
  return (v) => { cursor.setAttribute("x1", x(v)); cursor.setAttribute("x2", x(v)); };
}

function showCivil(data) {
  // A civil-violence run: the grid at the snapshot on the slider (if the run
  // took snapshots; else the slider walks the steps) and the counts over
  // time. An ensemble: the bands across runs over the steps.
  const ensemble = data.kind === "civil-ensemble";
  const slider = document.getElementById("slider");
  const stepLabel = document.getElementById("date");
  const legend = document.getElementById("legend");
  const info = document.getElementById("info");
  const grid = document.getElementById("grid");
  const charts = document.getElementById("charts");
  // An SVG element has no `hidden` property: set the attribute.
  document.getElementById("map").setAttribute("hidden", "");
  charts.hidden = false;
  const snapshots = ensemble ? [] : data.snapshots;
  const frames = snapshots.length > 0 ? snapshots.map((s) => s.step) : data.steps;
  const at = new Map(data.steps.map((s, i) => [s, i]));
  slider.max = frames.length - 1;
  const cursors = [];
  let paint = null;

  if (snapshots.length > 0) {
    const [W, H] = [data.grid_width, data.grid_height];
    const scale = Math.max(1, Math.floor(600 / Math.max(W, H)));
    grid.width = W;
    grid.height = H;
    grid.style.width = `${W * scale}px`;
    grid.style.height = `${H * scale}px`;
    grid.hidden = false;
    const ctx = grid.getContext("2d");
    const image = ctx.createImageData(W, H);
    const palette = data.states.map((s) => rgb(s.colour));
    paint = (cells) => {
      for (let i = 0; i < cells.length; i++) {
        const c = palette[cells.charCodeAt(i) - 48];
        image.data.set([c[0], c[1], c[2], 255], 4 * i);
      }
      ctx.putImageData(image, 0, 0);
    };
    grid.addEventListener("mousemove", (e) => {
      const r = grid.getBoundingClientRect();
      const cx = Math.min(W - 1, Math.floor(((e.clientX - r.left) / r.width) * W));
      const cy = Math.min(H - 1, Math.floor(((e.clientY - r.top) / r.height) * H));
      const cells = snapshots[Number(slider.value)].cells;
      info.textContent = `cell (${cx}, ${cy}): ${data.states[cells.charCodeAt(cy * W + cx) - 48].name}`;
    });
    info.textContent = "Hover the grid for a cell's state.";
  } else {
    info.textContent = ensemble ? "" : "This run took no grid snapshots: rerun it with output.snapshot_every above 0 to see the grid.";
  }

  if (ensemble) {
    const band = (m) => ({ name: m.name, colour: m.colour, values: m.mean, low: m.q05, high: m.q95 });
    const fractions = data.metrics.filter((m) => m.id.endsWith("_fraction"));
    if (fractions.length) {
      cursors.push(chart(charts, "Share of citizens: mean and 5–95 % band across runs", data.steps, fractions.map(band), 1));
    }
    for (const m of data.metrics.filter((m) => !m.id.endsWith("_fraction"))) {
      const title = m.name[0].toUpperCase() + m.name.slice(1);
      cursors.push(chart(charts, `${title} per step: mean and 5–95 % band across runs`, data.steps, [band(m)], null));
    }
  } else {
    const c = data.counts;
    const colour = (name) => data.states.find((s) => s.name === name).colour;
    cursors.push(chart(charts, "Citizens by state", data.steps, ["active", "quiet", "jailed"].map(
      (name) => ({ name, colour: colour(name), values: c[name] })), data.citizens));
    cursors.push(chart(charts, "Arrests per step", data.steps, [{ name: "arrests", colour: "#f28e2b", values: c.arrests }], null));
  }

  function drawLegend(step) {
    legend.innerHTML = "";
    const row = (colour, text) => legendRow(legend, colour, text);
    const i = at.get(step);
    if (ensemble) {
      for (const m of data.metrics) {
        row(m.colour, `${m.name}: ${m.mean[i].toFixed(3)} (${m.q05[i].toFixed(3)}–${m.q95[i].toFixed(3)})`);
      }
      return;
    }
    const c = data.counts;
    const counts = { active: c.active[i], quiet: c.quiet[i], jailed: c.jailed[i], cop: data.cops };
    for (const s of data.states) {
      if (s.name in counts) row(s.colour, `${s.name}: ${counts[s.name]}`);
      else if (paint) row(s.colour, s.name);
    }
    row("#f28e2b", `arrests this step: ${c.arrests[i]}`);
  }

  function draw() {
    const k = Number(slider.value);
    const step = frames[k];
    stepLabel.textContent = `step ${step}`;
    document.body.dataset.step = String(step);
    if (paint) paint(snapshots[k].cells);
    cursors.forEach((move) => move(step));
    drawLegend(step);
  }

  slider.addEventListener("input", draw);
  playButton(slider, draw);
  draw();
  document.body.dataset.ready = "true";
}

async function main() {
  const res = await fetch("data.json");
  const data = await res.json();
  document.getElementById("title").textContent = data.title;
  document.getElementById("subtitle").textContent = data.subtitle;
  if (data.kind === "compare") return showComparison(data);
  if (data.kind === "civil-run" || data.kind === "civil-ensemble") return showCivil(data);
  const map = document.getElementById("map");
  const slider = document.getElementById("slider");
  const dateLabel = document.getElementById("date");
  const actorSelect = document.getElementById("actor");
  const legend = document.getElementById("legend");
  const info = document.getElementById("info");
  map.setAttribute("width", data.width);
  map.setAttribute("height", data.height);
  map.setAttribute("viewBox", `0 0 ${data.width} ${data.height}`);
  for (const [x1, y1, x2, y2] of data.links) map.appendChild(el("line", { x1, y1, x2, y2, class: "link" }));
  const shapes = data.regions.map((r) => {
    const s = r.d
      ? el("path", { d: r.d, class: "region" })
      : el("circle", { cx: r.circle[0], cy: r.circle[1], r: r.circle[2], class: "region" });
    s.dataset.region = r.id;
    map.appendChild(s);
    return s;
  });
  if (data.kind === "ensemble") map.classList.add("probability");
  drawPlaces(map, data);
  search(data, shapes, (i) => shapes[i].dataset.tip);
  slider.max = data.dates.length - 1;
  let k = 0;
  let actor = 0;

  if (data.kind === "ensemble") {
    document.getElementById("actor-label").hidden = false;
    data.actors.forEach((a, i) => {
      if (data.probability[i].some((d) => d.some((p) => p > 0))) {
        actorSelect.appendChild(new Option(a.name, String(i)));
      }
    });
    actor = Number(actorSelect.value || 0);
    actorSelect.addEventListener("change", () => { actor = Number(actorSelect.value); draw(); });
  }

  function describe(i) {
    const r = data.regions[i];
    if (data.kind === "run") {
      const a = data.control[k][i];
      const who = a >= 0 ? data.actors[a].name : "nobody";
      return `${regionLabel(data, i)} (${r.id}): ${who}${data.contested[k][i] ? ", contested" : ""}`;
    }
    const p = data.probability[actor][k][i];
    return `${regionLabel(data, i)} (${r.id}): P(${data.actors[actor].name} holds) = ${p.toFixed(2)}`;
  }

  function drawLegend() {
    legend.innerHTML = "";
    const row = (colour, text) => legendRow(legend, colour, text);
    if (data.kind === "run") {
      const held = new Set(data.control[k]);
      data.actors.forEach((a, i) => { if (held.has(i)) row(a.colour, a.name); });
      if (held.has(-1)) row(NOBODY, "nobody");
      if (data.contested[k].some((c) => c)) row("#ffffff", "contested (dashed border)");
    } else {
      row(ZERO, "0: held in no run");
      for (const p of [0.25, 0.5, 0.75, 1]) row(blend(data.actors[actor].colour, p), `P = ${p.toFixed(2)}`);
    }
  }

  function draw() {
    k = Number(slider.value);
    dateLabel.textContent = data.dates[k];
    document.body.dataset.date = data.dates[k];
    shapes.forEach((s, i) => {
      let fill;
      if (data.kind === "run") {
        const a = data.control[k][i];
        fill = a >= 0 ? data.actors[a].colour : NOBODY;
        s.classList.toggle("contested", data.contested[k][i] === 1);
      } else {
        const p = data.probability[actor][k][i];
        fill = p > 0 ? blend(data.actors[actor].colour, p) : ZERO;
      }
      s.setAttribute("fill", fill);
      s.dataset.tip = describe(i);
    });
    drawLegend();
  }

  shapes.forEach((s) => s.addEventListener("mouseenter", () => { info.textContent = s.dataset.tip; }));
  // A run's chains (issue #13): clicking a region shows why it is held as it is on the date shown.
  const why = document.getElementById("why");
  let picked = null;
  function showWhy() {
    if (!picked || !data.why || !data.why[picked]) return;
    const chains = data.why[picked];
    const date = data.dates[Number(slider.value)];
    let c = chains[0];
    for (const x of chains) if (x.date <= date) c = x;
    if (c.since && c.date > date) {
      why.textContent = picked + " on " + date + ": held as at the start (its first change came on " + c.date + ")\n\n" + c.text;
    } else {
      why.textContent = c.text;
    }
    why.hidden = false;
    why.dataset.region = picked;
  }
  if (data.kind === "run" && data.why) {
    shapes.forEach((s) => s.addEventListener("click", () => { picked = s.dataset.region; showWhy(); }));
    slider.addEventListener("input", showWhy);
  }
  slider.addEventListener("input", draw);
  playButton(slider, draw);
  draw();
  document.body.dataset.ready = "true";
}

main().catch((e) => {
  const p = document.getElementById("error");
  p.hidden = false;
  p.textContent = "Could not load the data: " + e;
});
