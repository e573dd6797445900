// Frontline viewer: draws the regions sent in /data.json and colours them
// for the date on the slider — by controller for a run, by the chosen
// actor's probability of control for an ensemble. No dependencies.
"use strict";

const NOBODY = "#eeeeee";
const SVG = "http://www.w3.org/2000/svg";

function blend(hex, t) {
  // White (t = 0) to `hex` (t = 1), in sRGB, as the static maps do.
  const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  const m = c.map((x) => Math.round(255 + (x - 255) * t));
  return "#" + m.map((x) => x.toString(16).padStart(2, "0")).join("");
}

function el(name, attrs) {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

function showComparison(data) {
  // Per outcome: a table of arms and a forest plot of the paired differences.
  document.getElementById("controls").hidden = true;
  document.getElementById("layout").hidden = true;
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
    const diffs = rows.filter((r) => r.difference !== null);
    if (diffs.length === 0) continue;
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
  }
  document.body.dataset.ready = "true";
}

async function main() {
  const res = await fetch("data.json");
  const data = await res.json();
  document.getElementById("title").textContent = data.title;
  document.getElementById("subtitle").textContent = data.subtitle;
  if (data.kind === "compare") return showComparison(data);
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
      return `${r.name} (${r.id}): ${who}${data.contested[k][i] ? ", contested" : ""}`;
    }
    const p = data.probability[actor][k][i];
    return `${r.name} (${r.id}): P(${data.actors[actor].name} holds) = ${p.toFixed(2)}`;
  }

  function drawLegend() {
    legend.innerHTML = "";
    const row = (colour, text) => {
      const d = document.createElement("div");
      const s = document.createElement("span");
      s.className = "swatch";
      s.style.background = colour;
      d.append(s, text);
      legend.appendChild(d);
    };
    if (data.kind === "run") {
      const held = new Set(data.control[k]);
      data.actors.forEach((a, i) => { if (held.has(i)) row(a.colour, a.name); });
      if (held.has(-1)) row(NOBODY, "nobody");
      if (data.contested[k].some((c) => c)) row("#ffffff", "contested (dashed border)");
    } else {
      for (const p of [0, 0.25, 0.5, 0.75, 1]) row(blend(data.actors[actor].colour, p), `P = ${p.toFixed(2)}`);
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
        fill = blend(data.actors[actor].colour, data.probability[actor][k][i]);
      }
      s.setAttribute("fill", fill);
      s.dataset.tip = describe(i);
    });
    drawLegend();
  }

  shapes.forEach((s) => s.addEventListener("mouseenter", () => { info.textContent = s.dataset.tip; }));
  slider.addEventListener("input", draw);
  let timer = null;
  const play = document.getElementById("play");
  play.addEventListener("click", () => {
    if (timer) { clearInterval(timer); timer = null; play.textContent = "▶ Play"; return; }
    if (Number(slider.value) === data.dates.length - 1) slider.value = 0;
    play.textContent = "⏸ Pause";
    timer = setInterval(() => {
      if (Number(slider.value) >= data.dates.length - 1) { play.click(); return; }
      slider.value = Number(slider.value) + 1;
      draw();
    }, 150);
  });
  draw();
  document.body.dataset.ready = "true";
}

main().catch((e) => {
  const p = document.getElementById("error");
  p.hidden = false;
  p.textContent = "Could not load the data: " + e;
});
