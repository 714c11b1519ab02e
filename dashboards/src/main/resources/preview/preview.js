// The preview page: reads a dashboard JSON file (the one Grafana would provision) and draws its
// panels from InfluxDB through the server's read-only query proxy. Timeseries and bar charts with
// uPlot; stat and table (and any other panel type) as numbers and tables. Template variables, time
// range (and a panel's own relative time, Grafana's timeFrom), refresh, colours fixed by overrides.
"use strict";
const $ = s => document.querySelector(s);
const RANGES = { "now-6h": 6 * 3600e3, "now-2d": 2 * 86400e3, "now-7d": 7 * 86400e3, "now-30d": 30 * 86400e3 };
const COLOURS = ["#0969da", "#d1242f", "#1a7f37", "#9a6700", "#8250df", "#bc4c00", "#0550ae", "#6e7781"];
let dash = null, vars = {}, timer = null, hash = {};

async function api(path) {
  const r = await fetch(path);
  if (!r.ok) throw new Error(path + ": " + r.status);
  return r.json();
}

async function influx(q) {
  const r = await fetch("/api/query?q=" + encodeURIComponent(q));
  const j = await r.json();
  if (!r.ok || j.error) throw new Error(j.error || ("HTTP " + r.status));
  for (const res of j.results || []) if (res.error) throw new Error(res.error);
  return (j.results || []).flatMap(res => res.series || []);
}

const UNIT_MS = { m: 60e3, h: 3600e3, d: 86400e3 };

/** The dashboard's range, or the panel's relative time ("24h": its last 24 hours) where it has one. */
function range(p) {
  const to = Date.now();
  const own = /^(\d+)([mhd])$/.exec((p && p.timeFrom) || "");
  return [to - (own ? Number(own[1]) * UNIT_MS[own[2]] : RANGES[$("#range").value]), to];
}

/** Grafana's $__interval: about 300 points across the range, rounded up to a usual step. */
function interval(from, to) {
  if (hash.interval) return hash.interval;
  const s = Math.max(60, Math.round((to - from) / 1000 / 300));
  for (const step of [60, 300, 900, 3600, 21600, 86400]) if (s <= step) return step + "s";
  return "86400s";
}

function escapeRegex(v) { return v.replace(/[.*+?^${}()|[\]\\\/]/g, "\\$&"); }

function render(q, p) {
  const [from, to] = range(p);
  q = q.replaceAll("$timeFilter", `time >= ${from}ms and time <= ${to}ms`).replaceAll("$__interval", interval(from, to));
  const names = Object.keys(vars).sort((a, b) => b.length - a.length);
  for (const name of names) {
    const values = vars[name];
    q = q.replaceAll("/^$" + name + "$/", "/^(" + values.map(escapeRegex).join("|") + ")$/");
    q = q.replaceAll("'$" + name + "'", "'" + (values[0] || "").replaceAll("'", "\\'") + "'");
    q = q.replaceAll("$" + name, values.join(", "));
  }
  return q;
}

/**
 * A property Grafana's overrides give a field (unit, colour, line style), or undefined: matched by
 * name or by regular expression on any of the names given (the column, the series' display name).
 * As in Grafana, a later override wins.
 */
function overrideOf(p, names, id) {
  names = [].concat(names).filter(n => n !== undefined);
  let value;
  for (const o of ((p.fieldConfig || {}).overrides || [])) {
    const m = o.matcher || {};
    const hit = m.id === "byName" ? names.includes(m.options) : m.id === "byRegexp" ? names.some(n => new RegExp(m.options).test(n)) : false;
    const x = hit && (o.properties || []).find(q => q.id === id);
    if (x) value = x.value;
  }
  return value;
}

/** A panel's unit, or the unit an override by name gives one of its columns. */
function unitOf(p, column) {
  return overrideOf(p, column, "unit") || ((p.fieldConfig || {}).defaults || {}).unit || "short";
}

function colourOf(p, column, i) {
  const c = overrideOf(p, column, "color");
  return c && c.fixedColor ? c.fixedColor : COLOURS[i % COLOURS.length];
}

function format(v, unit) {
  if (v === null || v === undefined) return "";
  if (typeof v !== "number") return String(v);
  const n = (x, d) => x.toLocaleString("en", { maximumFractionDigits: d });
  switch (unit) {
    case "kwatt": return n(v, 1) + " kW";
    case "kwatth": return n(v, 1) + " kWh";
    case "percentunit": return n(v * 100, 1) + " %";
    case "ms": return v >= 3600e3 ? n(v / 3600e3, 1) + " h" : v >= 60e3 ? n(v / 60e3, 1) + " min" : v >= 1e3 ? n(v / 1e3, 1) + " s" : n(v, 0) + " ms";
    default:
      if (unit && unit.startsWith("suffix:")) return n(v, 2) + " " + unit.substring(7).trim();
      return n(v, 2);
  }
}

/**
 * A series' display name: the target's alias with Grafana's patterns ($col, $m, $tag_<key>), or
 * its tag values and column; then the panel's renameByRegex transformations.
 */
function label(p, s, column) {
  let name;
  if (s.alias) {
    name = render(s.alias).replaceAll("$col", column).replaceAll("$m", s.name || "")
        .replace(/\$tag_(\w+)/g, (_, k) => (s.tags || {})[k] || "");
  } else {
    const tags = Object.entries(s.tags || {}).filter(([, v]) => v !== "").map(([, v]) => v).join(" ");
    name = (tags ? tags + " " : "") + column;
  }
  for (const t of p.transformations || []) {
    if (t.id === "renameByRegex") name = name.replace(new RegExp(t.options.regex), t.options.renamePattern);
  }
  return name;
}

async function loadVariables(from) {
  const list = (dash.templating || {}).list || [];
  for (let i = from; i < list.length; i++) {
    const v = list[i];
    const values = [...new Set((await influx(render(v.query))).flatMap(s => s.values.map(row => String(row[1]))))];
    let sel = document.getElementById("var-" + v.name);
    if (!sel) {
      const l = document.createElement("label");
      l.textContent = (v.label || v.name) + " ";
      if (v.hide === 2) l.hidden = true;
      sel = document.createElement("select");
      sel.id = "var-" + v.name;
      sel.onchange = async () => { choose(v, sel); await loadVariables(i + 1); await draw(); };
      l.appendChild(sel);
      $("#vars").appendChild(l);
    }
    const previous = sel.value;
    sel.innerHTML = "";
    if (v.includeAll) sel.add(new Option("All", "__all"));
    values.forEach(x => sel.add(new Option(x, x)));
    const asked = hash["var-" + v.name];
    sel.value = asked !== undefined && values.includes(asked) ? asked
        : values.includes(previous) || (previous === "__all" && v.includeAll) ? previous : (v.includeAll ? "__all" : (values[0] || ""));
    sel.dataset.values = JSON.stringify(values);
    choose(v, sel);
  }
}

function choose(v, sel) {
  vars[v.name] = sel.value === "__all" ? JSON.parse(sel.dataset.values || "[]") : [sel.value];
}

function keep(p, rows) {
  for (const t of p.transformations || []) {
    if (t.id === "sortBy") {
      for (const f of [...t.options.sort].reverse()) {
        rows = [...rows].sort((a, b) => (a[f.field] > b[f.field] ? 1 : a[f.field] < b[f.field] ? -1 : 0) * (f.desc ? -1 : 1));
      }
    }
    if (t.id === "organize") {
      const drop = (t.options || {}).excludeByName || {}, names = (t.options || {}).renameByName || {};
      rows = rows.map(r => Object.fromEntries(Object.entries(r).filter(([k]) => !drop[k]).map(([k, v]) => [names[k] || k, v])));
    }
    if (t.id === "filterByValue") {
      for (const f of t.options.filters) {
        rows = rows.filter(r => String(r[f.fieldName]) === String(f.config.options.value));
      }
    }
  }
  return rows;
}

/**
 * A chart fills its panel's body, legend included, without scroll bars (the legend may wrap):
 * drawn at the body's width, then, once uPlot has laid it out (it commits sizes in a microtask),
 * given the height the legend leaves.
 */
function fit(body, make) {
  body.classList.add("chart");
  const style = getComputedStyle(body);
  const px = k => parseFloat(style[k]) || 0;
  const width = Math.max(body.clientWidth - px("paddingLeft") - px("paddingRight"), 200);
  const inner = body.clientHeight - px("paddingTop") - px("paddingBottom");
  const u = make(width, Math.max(inner - 30, 80));
  setTimeout(() => {
    const legend = u.root.querySelector(".u-legend");
    u.setSize({ width, height: Math.max(inner - (legend ? legend.offsetHeight : 0) - 6, 80) });
  }, 0);
}

function drawTimeseries(p, body, series) {
  const lines = [];
  for (const s of series) {
    for (let c = 1; c < s.columns.length; c++) {
      lines.push({ name: label(p, s, s.columns[c]), column: s.columns[c],
        points: s.values.filter(r => r[c] !== null).map(r => [r[0] / 1000, r[c]]) });
    }
  }
  const xs = [...new Set(lines.flatMap(l => l.points.map(pt => pt[0])))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const data = [xs, ...lines.map(l => { const ys = new Array(xs.length).fill(null); l.points.forEach(([x, y]) => ys[index.get(x)] = y); return ys; })];
  const unit = unitOf(p);
  body.innerHTML = "";
  fit(body, (width, height) => new uPlot({
    width, height,
    series: [{}, ...lines.map((l, i) => {
      const names = [l.column, l.name];
      const style = overrideOf(p, names, "custom.lineStyle");
      return { label: l.name, stroke: colourOf(p, names, i), width: overrideOf(p, names, "custom.lineWidth") || 1.5, spanGaps: false,
        dash: style && style.fill === "dash" ? style.dash : undefined };
    })],
    axes: [{}, { values: (u, vals) => vals.map(v => format(v, unit)), size: 80 }],
    legend: { live: false },
  }, data, body));
  return lines.reduce((n, l) => n + l.points.length, 0);
}

/**
 * Grafana's bar chart: one bar (group) per row, named by options.xField; each numeric column a
 * series, stacked when options.stacking is "normal" (drawn as cumulative bars, tallest first, so
 * each period shows as its own band). Horizontal orientation is drawn vertical: the values are the same.
 */
function drawBarchart(p, body, series) {
  const o = p.options || {};
  const rows = keep(p, rowsOf(series));
  const columns = [...new Set(rows.flatMap(r => Object.keys(r)))]
      .filter(c => c !== "time" && c !== o.xField && rows.some(r => typeof r[c] === "number"));
  const names = rows.map(r => String(r[o.xField] === undefined ? "" : r[o.xField]));
  const xs = rows.map((_, i) => i);
  let ys = columns.map(c => rows.map(r => typeof r[c] === "number" ? r[c] : 0));
  const stacked = o.stacking === "normal";
  if (stacked) ys = ys.map((_, k) => rows.map((__, i) => ys.slice(0, k + 1).reduce((a, y) => a + y[i], 0)));
  const order = stacked ? columns.map((_, k) => columns.length - 1 - k) : columns.map((_, k) => k);
  const unit = unitOf(p);
  const bars = uPlot.paths.bars({ size: [o.barWidth || 0.6, 80] });
  body.innerHTML = "";
  fit(body, (width, height) => new uPlot({
    width, height,
    scales: { x: { time: false, range: [-0.5, Math.max(rows.length - 0.5, 0.5)] }, y: { range: (u, min, max) => [0, max > 0 ? max * 1.05 : 1] } },
    series: [{ label: o.xField || "", value: (u, v) => v === null ? "" : names[v] },
      ...order.map(k => ({ label: columns[k], stroke: colourOf(p, columns[k], k), fill: colourOf(p, columns[k], k), paths: bars, points: { show: false },
        value: (u, v) => v === null ? "" : format(v, unit) }))],
    axes: [{ splits: () => xs, values: (u, vals) => vals.map(v => names[v] === undefined ? "" : names[v]), grid: { show: false } },
      { values: (u, vals) => vals.map(v => format(v, unit)), size: 80 }],
    legend: { live: false },
  }, [xs, ...order.map(k => ys[k])], body));
  return rows.length;
}

function rowsOf(series) {
  const rows = [];
  for (const s of series) {
    for (const v of s.values) {
      const r = { ...(s.tags || {}) };
      s.columns.forEach((c, i) => r[c] = v[i]);
      rows.push(r);
    }
  }
  return rows;
}

function drawStat(p, body, series) {
  const cells = [];
  for (const s of series) {
    for (let c = 1; c < s.columns.length; c++) {
      const last = [...s.values].reverse().find(r => r[c] !== null);
      if (last) cells.push(`<div class="stat"><b>${format(last[c], unitOf(p, s.columns[c]))}</b>${label(p, s, s.columns[c])}</div>`);
    }
  }
  body.innerHTML = `<div class="stats">${cells.join("")}</div>`;
  return cells.length;
}

function drawTable(p, body, series) {
  const rows = keep(p, rowsOf(series));
  // An aggregate's rows all carry the range's start as their time: it says nothing, so it is not shown.
  const oneTime = rows.length > 0 && rows.every(r => r.time === rows[0].time);
  const columns = [...new Set(rows.flatMap(r => Object.keys(r)))].filter(c => !(c === "time" && oneTime));
  const cell = (c, v) => c === "time" ? `<td>${new Date(v).toISOString().replace(".000Z", "Z")}</td>`
      : typeof v === "number" ? `<td class="n">${format(v, unitOf(p, c))}</td>`
      : `<td${String(v).length > 40 ? ' class="w"' : ""}>${v === null || v === undefined ? "" : String(v)}</td>`;
  body.innerHTML = `<table><thead><tr>${columns.map(c => `<th>${c}</th>`).join("")}</tr></thead><tbody>${
      rows.map(r => `<tr>${columns.map(c => cell(c, r[c])).join("")}</tr>`).join("")}</tbody></table>`;
  return rows.length;
}

async function drawPanel(p, el) {
  const body = el.querySelector(".body");
  el.querySelector("h2").textContent = render(p.title);
  try {
    const series = [];
    for (const t of p.targets || []) {
      for (const s of await influx(render(t.query, p))) series.push({ ...s, alias: t.alias });
    }
    const draw = { timeseries: drawTimeseries, stat: drawStat, barchart: drawBarchart }[p.type] || drawTable;
    const n = draw(p, body, series);
    el.dataset.points = String(n);
    el.dataset.sum = String(series.flatMap(s => s.values.flatMap(v => v.slice(1))).filter(x => typeof x === "number").reduce((a, b) => a + b, 0));
    el.dataset.state = n > 0 ? "drawn" : "empty";
  } catch (e) {
    body.textContent = e.message;
    el.dataset.points = "0";
    el.dataset.state = "error";
  }
}

async function draw() {
  const panels = [...document.querySelectorAll(".panel")];
  panels.forEach(el => el.dataset.state = "loading");
  $("#status").textContent = "loading…";
  await Promise.all((dash.panels || []).map((p, i) => drawPanel(p, panels[i])));
  $("#status").textContent = "updated " + new Date().toLocaleTimeString();
  document.body.dataset.drawn = String(Number(document.body.dataset.drawn || 0) + 1);
}

async function open(uid) {
  dash = await api("/api/dashboard/" + encodeURIComponent(uid));
  vars = {};
  $("#vars").innerHTML = "";
  $("#range").value = hash.range || (RANGES[(dash.time || {}).from] ? dash.time.from : "now-2d");
  const main = $("#panels");
  main.innerHTML = "";
  for (const p of dash.panels || []) {
    const el = document.createElement("section");
    el.className = "panel";
    el.dataset.id = p.id;
    const g = p.gridPos || { x: 0, y: 0, w: 12, h: 8 };
    el.style.gridColumn = `${g.x + 1} / span ${g.w}`;
    el.style.gridRow = `${g.y + 1} / span ${g.h}`;
    el.innerHTML = `<h2></h2><div class="body"></div>`;
    main.appendChild(el);
  }
  await loadVariables(0);
  await draw();
}

function readHash() {
  hash = {};
  const parts = location.hash.replace(/^#/, "").split("&").filter(Boolean);
  if (parts.length) hash.uid = decodeURIComponent(parts[0]);
  for (const kv of parts.slice(1)) { const [k, v] = kv.split("="); hash[k] = decodeURIComponent(v || ""); }
}

function schedule() {
  clearInterval(timer);
  const s = Number($("#refresh").value);
  if (s > 0) timer = setInterval(() => draw(), s * 1000);
}

(async () => {
  readHash();
  const list = await api("/api/dashboards");
  list.forEach(d => $("#dash").add(new Option(d.title, d.uid)));
  $("#dash").value = hash.uid && list.some(d => d.uid === hash.uid) ? hash.uid : list[0].uid;
  $("#dash").onchange = () => { location.hash = $("#dash").value; };
  window.onhashchange = async () => { readHash(); await open(hash.uid || list[0].uid); };
  $("#range").onchange = () => draw();
  $("#refresh").onchange = schedule;
  if (hash.refresh !== undefined) $("#refresh").value = hash.refresh;
  await open($("#dash").value);
  schedule();
})();
