// The report's tissue viewer (docs/outputs.md, "Report"): draws STROMA_RUN, which src/io/report_viewer.c writes
// just before this code in the page's one inline script. Plain JavaScript, no library, nothing fetched.
// data-field-range="lo hi" on the canvas is the shown substrate's colour scale (empty with none).
// Cells and field planes arrive as base64 of little-endian Float32 arrays; a cell column of one value holds it
// for every cell. The canvas carries data-view="loA loB scale mapX mapY mapH" (CSS pixels): a point (a, b) in
// µm is drawn at (mapX + (a - loA) * scale, mapY + mapH - (b - loB) * scale).
(function () {
  "use strict";
  const R = STROMA_RUN;
  const $ = (id) => document.getElementById(id);
  const nojs = $("v-nojs");
  if (nojs) nojs.hidden = true;
  if (!R.times.length && !R.plots.length) return;
  $("v-app").hidden = false;

  // ---- colours: as src/io/render.c and src/io/tissue.c draw them ----
  const PALETTE = ["#e69f00", "#56b4e9", "#009e73", "#d55e00", "#cc79a7", "#0072b2", "#f0e442",
    "#cc6677", "#332288", "#ddcc77", "#117733", "#88ccee", "#882255", "#44aa99", "#999933", "#aa4499"];
  const typeColor = (k) => PALETTE[(k >= 0 ? k : 0) % PALETTE.length];
  const OUTLINE = "rgb(26,26,26)", APOPTOTIC = "rgb(219,219,219)", NECROTIC = "rgb(107,107,107)";
  // viridis, entries 0, 5, ..., 255 of matplotlib's table (as render.c)
  const VIRIDIS = [[0.267004, 0.004874, 0.329415], [0.273809, 0.031497, 0.358853], [0.278791, 0.062145, 0.386592],
    [0.281924, 0.089666, 0.412415], [0.283197, 0.115680, 0.436115], [0.282623, 0.140926, 0.457517],
    [0.280255, 0.165693, 0.476498], [0.276194, 0.190074, 0.493001], [0.270595, 0.214069, 0.507052],
    [0.263663, 0.237631, 0.518762], [0.255645, 0.260703, 0.528312], [0.246811, 0.283237, 0.535941],
    [0.237441, 0.305202, 0.541921], [0.227802, 0.326594, 0.546532], [0.218130, 0.347432, 0.550038],
    [0.208623, 0.367752, 0.552675], [0.199430, 0.387607, 0.554642], [0.190631, 0.407061, 0.556089],
    [0.182256, 0.426184, 0.557120], [0.174274, 0.445044, 0.557792], [0.166617, 0.463708, 0.558119],
    [0.159194, 0.482237, 0.558073], [0.151918, 0.500685, 0.557587], [0.144759, 0.519093, 0.556572],
    [0.137770, 0.537492, 0.554906], [0.131172, 0.555899, 0.552459], [0.125394, 0.574318, 0.549086],
    [0.121148, 0.592739, 0.544641], [0.119423, 0.611141, 0.538982], [0.121380, 0.629492, 0.531973],
    [0.128087, 0.647749, 0.523491], [0.140210, 0.665859, 0.513427], [0.157851, 0.683765, 0.501686],
    [0.180653, 0.701402, 0.488189], [0.208030, 0.718701, 0.472873], [0.239374, 0.735588, 0.455688],
    [0.274149, 0.751988, 0.436601], [0.311925, 0.767822, 0.415586], [0.352360, 0.783011, 0.392636],
    [0.395174, 0.797475, 0.367757], [0.440137, 0.811138, 0.340967], [0.487026, 0.823929, 0.312321],
    [0.535621, 0.835785, 0.281908], [0.585678, 0.846661, 0.249897], [0.636902, 0.856542, 0.216620],
    [0.688944, 0.865448, 0.182725], [0.741388, 0.873449, 0.149561], [0.793760, 0.880678, 0.120005],
    [0.845561, 0.887322, 0.099702], [0.896320, 0.893616, 0.096335], [0.945636, 0.899815, 0.112838],
    [0.993248, 0.906157, 0.143936]];
  // the cells' own map (so a cell never reads as the field under it): blue - pale yellow - red
  const CELLMAP = [[0.192, 0.212, 0.584], [0.271, 0.459, 0.706], [0.671, 0.851, 0.914], [1.0, 1.0, 0.749],
    [0.992, 0.682, 0.380], [0.957, 0.427, 0.263], [0.647, 0.0, 0.149]];
  function ramp(table, t) {
    if (!(t > 0)) t = 0;
    if (t > 1) t = 1;
    const x = t * (table.length - 1);
    let k = Math.floor(x);
    if (k > table.length - 2) k = table.length - 2;
    const f = x - k, a = table[k], b = table[k + 1];
    return "rgb(" + [0, 1, 2].map((i) => Math.round(255 * (a[i] + f * (b[i] - a[i])))).join(",") + ")";
  }

  // ---- data ----
  function f32(b64) {
    const s = atob(b64), n = s.length >> 2, out = new Float32Array(n), dv = new DataView(new ArrayBuffer(s.length));
    for (let i = 0; i < s.length; i++) dv.setUint8(i, s.charCodeAt(i));
    for (let i = 0; i < n; i++) out[i] = dv.getFloat32(4 * i, true);
    return out;
  }
  const col = {};
  R.columns.forEach((c, i) => { col[c] = i; });
  // decoded when first needed (a column of every frame when it colours the cells, a frame when it is shown)
  function lazy(list) {
    const cache = new Array(list.length).fill(null);
    return new Proxy(cache, { get(target, key) {
      if (typeof key === "string" && /^[0-9]+$/.test(key)) {
        const k = Number(key);
        if (target[k] === null && list[k] !== null && list[k] !== undefined) target[k] = f32(list[k]);
        return target[k];
      }
      return Reflect.get(target, key);
    } });
  }
  const frames = R.cells.map((fr) => fr && { n: fr.n, cols: lazy(fr.cols) });
  const fieldFrames = R.fields.map((fd) => lazy(fd.frames));
  const value = (fr, c, i) => (fr.cols[c].length === 1 ? fr.cols[c][0] : fr.cols[c][i]);

  // nice steps and ranges (as render.c's ticks)
  function niceStep(range, maxTicks) {
    if (!(range > 0) || !isFinite(range)) return 1;
    let mag = Math.pow(10, Math.floor(Math.log10(range / (maxTicks - 1))) - 1);
    for (let k = 0; k < 4; k++, mag *= 10)
      for (const m of [1, 2, 5]) if (Math.floor(range / (m * mag) + 1e-9) + 1 <= maxTicks) return m * mag;
    return mag;
  }
  function niceRange(lo, hi) {
    if (!isFinite(lo) || !isFinite(hi)) return [0, 1];
    if (hi === lo) return lo === 0 ? [0, 1] : [lo - Math.abs(lo) * 0.5, hi + Math.abs(hi) * 0.5];
    const s = niceStep(hi - lo, 6);
    return [Math.floor(lo / s + 1e-9) * s, Math.ceil(hi / s - 1e-9) * s];
  }
  function ticks(lo, hi, maxTicks) {
    const s = niceStep(hi - lo, maxTicks), out = [];
    for (let k = Math.ceil(lo / s - 1e-9); k <= Math.floor(hi / s + 1e-9); k++) out.push(Math.abs(k * s) < 1e-9 * s ? 0 : k * s);
    return { v: out, step: s };
  }
  function label(v, step) {
    if (v === 0) return "0";
    if (Math.abs(v) >= 1e6 || Math.abs(v) < 1e-3) return v.toExponential(Math.max(0, Math.min(6, -Math.floor(Math.log10(step)) + Math.floor(Math.log10(Math.abs(v))))));
    const d = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
    return v.toFixed(Math.min(d, 10));
  }
  function fmt(v) {
    if (!isFinite(v)) return "–";
    if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
    return String(Number(v.toPrecision(7)));
  }
  // one colour scale per field over every frame: from 0 (or the least value, if negative) to the largest
  const fieldRanges = [];
  function fieldRange(k) {
    if (!fieldRanges[k]) {
      let lo = 0, hi = -Infinity;
      for (let f = 0; f < R.times.length; f++) {
        const a = fieldFrames[k][f];
        if (a) for (const x of a) if (isFinite(x)) { if (x < lo) lo = x; if (x > hi) hi = x; }
      }
      fieldRanges[k] = niceRange(lo, hi > lo ? hi : lo);
    }
    return fieldRanges[k];
  }
  // cell variables: every numeric column but the identity and the position, with its range over every frame
  const SKIP = new Set(["id", "type", "state", "x", "y", "z"]);
  const varRanges = {};
  function varRange(c) {
    if (!(c in varRanges)) {
      let lo = Infinity, hi = -Infinity;
      for (const fr of frames) if (fr) for (const x of fr.cols[col[c]]) if (isFinite(x)) { if (x < lo) lo = x; if (x > hi) hi = x; }
      varRanges[c] = lo > hi ? [0, 1] : hi > lo ? [lo, hi] : [lo - 0.5, hi + 0.5];
    }
    return varRanges[c];
  }

  // ---- controls ----
  const slider = $("v-time"), timeLabel = $("v-time-label"), fieldSel = $("v-field"), colorSel = $("v-color");
  const canvas = $("v-canvas"), tip = $("v-tip"), info = $("v-info"), play = $("v-play");
  slider.max = String(Math.max(0, R.times.length - 1));
  slider.value = "0";
  if (R.times.length < 2) { slider.disabled = true; play.disabled = true; }
  const addOption = (sel, v, text) => { const o = document.createElement("option"); o.value = v; o.textContent = text; sel.appendChild(o); };
  R.fields.forEach((fd, k) => addOption(fieldSel, String(k), fd.name + (fd.unit ? " [" + fd.unit + "]" : "")));
  addOption(fieldSel, "none", "none");
  if (!R.fields.length) fieldSel.disabled = true;
  addOption(colorSel, "type", "type");
  R.columns.forEach((c) => { if (!SKIP.has(c)) addOption(colorSel, c, c); });
  if (!frames.some((f) => f)) colorSel.disabled = true;
  const hours = R.times.length && R.times[R.times.length - 1] >= 180;
  const timeText = (t) => "t = " + fmt(t) + " min" + (t >= 60 ? " (" + Number((t / 60).toPrecision(3)) + " h)" : "");

  // ---- drawing ----
  const PANEL = 190, PAD = 12, TITLE = 26;
  let drawn = []; // cells as drawn, in drawing order: {i, x, y, r}
  let view = null;
  function layout() {
    const cssW = Math.max(420, Math.min(960, canvas.parentElement.clientWidth || 960));
    const mapW = cssW - PANEL - 2 * PAD, aspect = R.size[1] / R.size[0];
    let w = mapW, h = mapW * aspect;
    if (h > 620) { h = 620; w = h / aspect; }
    const cssH = Math.max(h + TITLE + 2 * PAD + 18, 330);
    return { cssW, cssH, mapX: PAD, mapY: PAD + TITLE, mapW: w, mapH: h, scale: w / R.size[0] };
  }
  function colourBar(ctx, x, y, h, range, title, table) {
    ctx.fillStyle = "#000";
    ctx.font = "12px system-ui, sans-serif";
    ctx.textBaseline = "bottom";
    ctx.fillText(title, x, y - 4, PANEL - 16);
    for (let k = 0; k < h; k++) { ctx.fillStyle = ramp(table, 1 - k / (h - 1)); ctx.fillRect(x, y + k, 16, 1); }
    ctx.strokeStyle = "#333";
    ctx.lineWidth = 1;
    ctx.strokeRect(x + 0.5, y + 0.5, 16, h);
    const tk = ticks(range[0], range[1], 6);
    ctx.fillStyle = "#000";
    ctx.textBaseline = "middle";
    for (const v of tk.v) {
      const yy = y + h - ((v - range[0]) / (range[1] - range[0])) * h;
      ctx.fillRect(x + 16, Math.round(yy), 4, 1);
      ctx.fillText(label(v, tk.step), x + 23, yy);
    }
  }
  function render() {
    const fi = Number(slider.value), t = R.times[fi];
    const L = layout(), dpr = window.devicePixelRatio || 1;
    canvas.style.width = L.cssW + "px";
    canvas.style.height = L.cssH + "px";
    canvas.width = Math.round(L.cssW * dpr);
    canvas.height = Math.round(L.cssH * dpr);
    const ctx = canvas.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, L.cssW, L.cssH);
    view = L;
    canvas.dataset.view = [R.lo[0], R.lo[1], L.scale, L.mapX, L.mapY, L.mapH].join(" ");
    canvas.dataset.frame = String(fi);
    canvas.dataset.fieldRange = "";
    // field
    const fk = fieldSel.value === "none" ? -1 : Number(fieldSel.value);
    const plane = fk >= 0 ? fieldFrames[fk][fi] : null;
    if (plane) {
      const [na, nb] = R.n, rg = fieldRange(fk), vx = R.voxel * L.scale;
      canvas.dataset.fieldRange = rg.join(" ");
      for (let j = 0; j < nb; j++)
        for (let i = 0; i < na; i++) {
          const x = plane[j * na + i];
          ctx.fillStyle = isFinite(x) ? ramp(VIRIDIS, (x - rg[0]) / (rg[1] - rg[0])) : "#bbb";
          // whole pixels edge to edge, so no seams between voxels
          const x0 = Math.floor(L.mapX + i * vx), x1 = Math.floor(L.mapX + (i + 1) * vx);
          const y1 = Math.ceil(L.mapY + L.mapH - j * vx), y0 = Math.ceil(L.mapY + L.mapH - (j + 1) * vx);
          ctx.fillRect(x0, y0, x1 - x0, y1 - y0);
        }
    } else {
      ctx.fillStyle = "#f2f2f2";
      ctx.fillRect(L.mapX, L.mapY, L.mapW, L.mapH);
    }
    // cells: dead first, live on top, each pass in id order (the files' order)
    drawn = [];
    const fr = frames[fi], by = colorSel.value, live = R.types.map(() => 0);
    if (fr) {
      const cA = col[R.axes[0]], cB = col[R.axes[1]], cR = col.radius, cT = col.type, cS = col.state;
      const cP = R.plane ? col[R.plane.axis] : -1, cV = by === "type" ? -1 : col[by], vr = cV < 0 ? null : varRange(by);
      ctx.save();
      ctx.beginPath();
      ctx.rect(L.mapX, L.mapY, L.mapW, L.mapH);
      ctx.clip();
      for (let pass = 0; pass < 2; pass++)
        for (let i = 0; i < fr.n; i++) {
          const dead = value(fr, cS, i) !== 0;
          if (dead !== (pass === 0)) continue;
          const type = value(fr, cT, i);
          if (!dead && type >= 0 && type < live.length) live[type]++;
          let r = value(fr, cR, i);
          if (cP >= 0) {
            const d = value(fr, cP, i) - R.plane.um;
            if (!(Math.abs(d) < r)) continue;
            r = Math.sqrt(r * r - d * d);
          }
          const x = L.mapX + (value(fr, cA, i) - R.lo[0]) * L.scale, y = L.mapY + L.mapH - (value(fr, cB, i) - R.lo[1]) * L.scale;
          const rp = Math.max(0.8, r * L.scale);
          const tc = typeColor(type);
          ctx.beginPath();
          if (!dead) {
            ctx.arc(x, y, rp, 0, 2 * Math.PI);
            ctx.fillStyle = cV < 0 ? tc : ramp(CELLMAP, (value(fr, cV, i) - vr[0]) / (vr[1] - vr[0]));
            ctx.fill();
            ctx.lineWidth = rp > 3 ? 1 : 0.5;
            ctx.strokeStyle = OUTLINE;
          } else {
            const lw = Math.min(3, Math.max(1, rp * 0.35));
            ctx.arc(x, y, Math.max(0.5, rp - 0.5 * lw), 0, 2 * Math.PI);
            ctx.fillStyle = value(fr, cS, i) === 1 ? APOPTOTIC : NECROTIC;
            ctx.fill();
            ctx.lineWidth = lw;
            ctx.strokeStyle = tc;
          }
          ctx.stroke();
          drawn.push({ i, x, y, r: rp });
        }
      ctx.restore();
    }
    ctx.strokeStyle = "#333";
    ctx.lineWidth = 1;
    ctx.strokeRect(Math.floor(L.mapX) - 0.5, Math.floor(L.mapY) - 0.5, Math.ceil(L.mapW) + 1, Math.ceil(L.mapH) + 1);
    // title, plane, scale
    ctx.fillStyle = "#000";
    ctx.font = "bold 15px system-ui, sans-serif";
    ctx.textBaseline = "middle";
    ctx.fillText(timeText(t), L.mapX, PAD + TITLE / 2 - 2);
    ctx.font = "12px system-ui, sans-serif";
    ctx.fillStyle = "#555";
    if (R.plane) ctx.fillText("plane " + R.plane.axis + " = " + fmt(R.plane.um) + " µm", L.mapX, L.mapY + L.mapH + 12);
    // the panel: field colour bar, cell legend or colour bar
    const px = L.mapX + L.mapW + 24;
    let py = L.mapY + 14;
    const barH = Math.min(150, Math.max(80, (L.cssH - 120) / 2 - 40));
    if (plane) {
      const fd = R.fields[fk];
      colourBar(ctx, px, py, barH, fieldRange(fk), fd.name + (fd.unit ? " [" + fd.unit + "]" : ""), VIRIDIS);
      py += barH + 36;
    }
    if (fr) {
      if (cVis()) {
        colourBar(ctx, px, py, barH, varRange(by), "cells: " + by, CELLMAP);
        py += barH + 20;
      } else {
        ctx.font = "12px system-ui, sans-serif";
        ctx.textBaseline = "middle";
        R.types.forEach((name, k) => {
          ctx.beginPath();
          ctx.arc(px + 6, py, 5, 0, 2 * Math.PI);
          ctx.fillStyle = typeColor(k);
          ctx.fill();
          ctx.strokeStyle = OUTLINE;
          ctx.lineWidth = 1;
          ctx.stroke();
          ctx.fillStyle = "#000";
          ctx.fillText(name + " " + live[k], px + 16, py, PANEL - 30);
          py += 17;
        });
      }
      [["apoptotic", APOPTOTIC], ["necrotic", NECROTIC]].forEach(([name, c]) => {
        ctx.beginPath();
        ctx.arc(px + 6, py, 4.5, 0, 2 * Math.PI);
        ctx.fillStyle = c;
        ctx.fill();
        ctx.strokeStyle = "#777";
        ctx.stroke();
        ctx.fillStyle = "#000";
        ctx.fillText(name, px + 16, py);
        py += 17;
      });
    }
    timeLabel.textContent = timeText(t) + " · output " + (fi + 1) + " of " + R.times.length;
    info.textContent = fr ? (R.plane ? "Cells cut by the plane: " : "Cells: ") + drawn.length + ". Hover over a cell to read its values." : "No cell file at this time.";
    updateCursors(t);
    hideTip();
  }
  function cVis() { return colorSel.value !== "type"; }

  // ---- hover ----
  function hideTip() { tip.hidden = true; tip.dataset.cell = ""; }
  function onMove(ev) {
    const rect = canvas.getBoundingClientRect(), mx = ev.clientX - rect.left, my = ev.clientY - rect.top;
    let hit = null;
    for (let k = drawn.length - 1; k >= 0 && !hit; k--) {
      const d = drawn[k];
      if ((mx - d.x) * (mx - d.x) + (my - d.y) * (my - d.y) <= Math.max(d.r, 2) * Math.max(d.r, 2)) hit = d;
    }
    if (!hit) { hideTip(); return; }
    const fr = frames[Number(slider.value)], i = hit.i;
    const type = value(fr, col.type, i), state = value(fr, col.state, i);
    tip.textContent = "";
    const head = document.createElement("b");
    head.textContent = "cell " + fmt(value(fr, col.id, i)) + " · " + (R.types[type] || "?") + " · " + (["live", "apoptotic", "necrotic"][state] || "?");
    tip.appendChild(head);
    // the values in tables of at most 22 rows side by side (a model's cell file may have 60 columns and more)
    const shown = R.columns.map((c, k) => [c, k]).filter(([c]) => c !== "type" && c !== "state");
    const per = Math.ceil(shown.length / Math.max(1, Math.ceil(shown.length / 22)));
    const box = document.createElement("div");
    box.className = "v-tip-cols";
    let table = null;
    shown.forEach(([c, k], n) => {
      if (n % per === 0) { table = document.createElement("table"); box.appendChild(table); }
      const tr = document.createElement("tr"), th = document.createElement("th"), td = document.createElement("td");
      th.textContent = c;
      td.textContent = fmt(value(fr, k, i));
      tr.appendChild(th);
      tr.appendChild(td);
      table.appendChild(tr);
    });
    tip.appendChild(box);
    tip.dataset.cell = String(value(fr, col.id, i));
    tip.hidden = false;
    const stage = canvas.parentElement.getBoundingClientRect();
    let left = ev.clientX - stage.left + 14, top = ev.clientY - stage.top + 14;
    if (left + tip.offsetWidth > stage.width) left = Math.max(0, ev.clientX - stage.left - tip.offsetWidth - 14);
    if (top + tip.offsetHeight > stage.height) top = Math.max(0, stage.height - tip.offsetHeight);
    tip.style.left = left + "px";
    tip.style.top = top + "px";
  }
  canvas.addEventListener("mousemove", onMove);
  canvas.addEventListener("mouseleave", hideTip);

  // ---- plots linked to the slider ----
  const SVG = (() => { const d = document.createElement("div"); d.innerHTML = "<svg></svg>"; return d.firstChild.namespaceURI; })();
  const plots = [];
  function svgEl(name, attrs, parent) {
    const e = document.createElementNS(SVG, name);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }
  function buildPlots() {
    const box = $("v-plots"), ts = R.ts_time;
    const tmax = ts.length ? ts[ts.length - 1] : 1, tmin = ts.length ? ts[0] : 0;
    const unit = hours ? 60 : 1;
    R.plots.forEach((p) => {
      const rows = p.series.length > 1 ? Math.ceil(p.series.length / 3) : 0; // the legend, under the axis
      const W = 420, ml = 58, mr = 12, mt = 26, mb = 42 + rows * 14, H = 190 + mb;
      const fig = document.createElement("figure");
      fig.className = "v-plot";
      const svg = svgEl("svg", { width: W, height: H, viewBox: "0 0 " + W + " " + H, role: "img" }, fig);
      svg.dataset.title = p.title;
      let lo = Infinity, hi = -Infinity;
      for (const s of p.series) for (const v of s.v) if (v !== null && isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
      if (p.field === null || lo > 0) lo = Math.min(lo, 0);
      const yr = niceRange(lo, hi);
      const x0 = tmin, x1 = tmax > tmin ? tmax : tmin + 1;
      const X = (t) => ml + ((t - x0) / (x1 - x0)) * (W - ml - mr), Y = (v) => H - mb - ((v - yr[0]) / (yr[1] - yr[0])) * (H - mt - mb);
      svgEl("rect", { x: ml, y: mt, width: W - ml - mr, height: H - mt - mb, fill: "#fff", stroke: "#999" }, svg);
      const yt = ticks(yr[0], yr[1], 6);
      for (const v of yt.v) {
        svgEl("line", { x1: ml - 4, x2: W - mr, y1: Y(v), y2: Y(v), stroke: "#e4e4e4" }, svg);
        svgEl("text", { x: ml - 6, y: Y(v) + 4, "text-anchor": "end", "font-size": 11 }, svg).textContent = label(v, yt.step);
      }
      const xt = ticks(x0 / unit, x1 / unit, 7);
      for (const v of xt.v) {
        svgEl("line", { x1: X(v * unit), x2: X(v * unit), y1: H - mb, y2: H - mb + 4, stroke: "#333" }, svg);
        svgEl("text", { x: X(v * unit), y: H - mb + 16, "text-anchor": "middle", "font-size": 11 }, svg).textContent = label(v, xt.step);
      }
      svgEl("text", { x: (ml + W - mr) / 2, y: H - mb + 32, "text-anchor": "middle", "font-size": 12 }, svg).textContent = hours ? "time [h]" : "time [min]";
      svgEl("text", { x: ml, y: 16, "font-size": 13, "font-weight": "bold" }, svg).textContent = p.title + (p.ylabel ? " [" + p.ylabel + "]" : "");
      p.series.forEach((s, k) => {
        const pts = [];
        s.v.forEach((v, r) => { if (v !== null && isFinite(v)) pts.push(X(ts[r]).toFixed(1) + "," + Y(v).toFixed(1)); });
        const a = { points: pts.join(" "), fill: "none", stroke: s.color, "stroke-width": 1.6 };
        if (s.dash) a["stroke-dasharray"] = "5 3";
        svgEl("polyline", a, svg);
        if (p.series.length > 1) {
          const lx = 10 + (k % 3) * 136, ly = H - mb + 50 + Math.floor(k / 3) * 14;
          const la = { x1: lx, x2: lx + 14, y1: ly - 4, y2: ly - 4, stroke: s.color, "stroke-width": 2 };
          if (s.dash) la["stroke-dasharray"] = "4 2";
          svgEl("line", la, svg);
          svgEl("text", { x: lx + 18, y: ly, "font-size": 10 }, svg).textContent = s.label;
        }
      });
      const cursor = svgEl("line", { class: "v-cursor", x1: ml, x2: ml, y1: mt, y2: H - mb, stroke: "#c00", "stroke-width": 1.5 }, svg);
      svg.addEventListener("click", (ev) => {
        const r = svg.getBoundingClientRect(), sx = ((ev.clientX - r.left) / r.width) * W;
        const t = x0 + ((sx - ml) / (W - ml - mr)) * (x1 - x0);
        let best = 0;
        R.times.forEach((tt, k) => { if (Math.abs(tt - t) < Math.abs(R.times[best] - t)) best = k; });
        if (R.times.length) { slider.value = String(best); render(); }
      });
      box.appendChild(fig);
      plots.push({ p, fig, cursor, X });
    });
  }
  function updateCursors(t) {
    const fk = fieldSel.value === "none" ? -1 : Number(fieldSel.value);
    const fname = fk >= 0 ? R.fields[fk].name : null;
    for (const q of plots) {
      q.fig.hidden = q.p.field !== null && q.p.field !== fname;
      if (t === undefined) continue;
      const x = q.X(t);
      q.cursor.setAttribute("x1", x);
      q.cursor.setAttribute("x2", x);
      q.cursor.dataset.t = String(t);
    }
  }

  // ---- wiring ----
  let timer = null;
  function stop() { if (timer) { clearInterval(timer); timer = null; play.textContent = "Play"; } }
  play.addEventListener("click", () => {
    if (timer) { stop(); return; }
    if (Number(slider.value) >= R.times.length - 1) slider.value = "0";
    play.textContent = "Pause";
    render();
    timer = setInterval(() => {
      if (Number(slider.value) >= R.times.length - 1) { stop(); return; }
      slider.value = String(Number(slider.value) + 1);
      render();
    }, 600);
  });
  slider.addEventListener("input", render);
  fieldSel.addEventListener("change", render);
  colorSel.addEventListener("change", render);
  document.addEventListener("keydown", (ev) => {
    if (ev.target && (ev.target.tagName === "SELECT" || ev.target.tagName === "INPUT")) return;
    const step = ev.key === "ArrowRight" ? 1 : ev.key === "ArrowLeft" ? -1 : 0;
    if (!step || !R.times.length) return;
    const v = Math.min(R.times.length - 1, Math.max(0, Number(slider.value) + step));
    if (String(v) !== slider.value) { slider.value = String(v); render(); }
    ev.preventDefault();
  });
  window.addEventListener("resize", () => { if (R.times.length) render(); });
  buildPlots();
  if (R.times.length) {
    render();
  } else {
    $("v-canvas").parentElement.hidden = true;
    $("v-time").parentElement.hidden = true;
    updateCursors(undefined);
  }
})();
