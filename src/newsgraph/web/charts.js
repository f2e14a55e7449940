// newsgraph web app: the offline world map (Natural Earth 110m, bundled) and the timeline chart.
"use strict";

(function () {
  const { el } = NG;
  let world = null;

  async function basemap() {
    if (!world) {
      world = fetch("/static/world-110m.geojson").then((r) => (r.ok ? r.json() : { features: [] }));
    }
    return world;
  }

  // Equirectangular projection onto a 360 x 180 canvas: x = lon + 180, y = 90 - lat.
  const project = (lon, lat) => [lon + 180, 90 - lat];

  function ringPath(ring) {
    return ring.map(([lon, lat], i) => {
      const [x, y] = project(lon, lat);
      return (i ? "L" : "M") + x.toFixed(2) + " " + y.toFixed(2);
    }).join("") + "Z";
  }

  /**
   * Draw places on the world map. points: [{name, lat, lon, size, kind, rows: [[label, value]]}].
   * The view fits the points (or the world); the wheel zooms and dragging pans.
   */
  NG.worldMap = async function worldMap(points, opts) {
    const options = opts || {};
    const svg = el("svg", { class: "map", viewBox: "0 0 360 180", role: "img", "aria-label": options.label || "map of places" });
    svg.appendChild(el("rect", { x: 0, y: 0, width: 360, height: 180, class: "sea" }));
    const land = el("g", { class: "land" });
    svg.appendChild(land);
    const marks = el("g", { class: "marks" });
    svg.appendChild(marks);
    const geo = await basemap();
    for (const feature of geo.features || []) {
      const d = feature.geometry.coordinates.map((poly) => poly.map(ringPath).join("")).join("");
      land.appendChild(el("path", { d, "data-country": feature.properties.iso_a3 || "" }, el("title", {}, feature.properties.name || "")));
    }
    const located = points.filter((p) => typeof p.lat === "number" && typeof p.lon === "number");
    let view = [0, 0, 360, 180];
    if (options.fit && located.length) {
      const xs = located.map((p) => project(p.lon, p.lat)[0]);
      const ys = located.map((p) => project(p.lon, p.lat)[1]);
      let w = Math.max(60, Math.max(...xs) - Math.min(...xs) + 30);
      let h = Math.max(30, Math.max(...ys) - Math.min(...ys) + 20);
      if (w / h > 2) h = w / 2; else w = h * 2;
      const cx = (Math.max(...xs) + Math.min(...xs)) / 2;
      const cy = (Math.max(...ys) + Math.min(...ys)) / 2;
      view = [cx - w / 2, cy - h / 2, w, h];
    }
    // marker radii stay the same on screen whatever the zoom: pixels -> map units
    const scale = () => view[2] / (svg.clientWidth || 700);
    const drawMarks = () => {
      marks.replaceChildren();
      for (const p of located) {
        const [x, y] = project(p.lon, p.lat);
        const r = (4 + Math.sqrt(p.size || 1) * 2.2) * scale();
        const mark = el("circle", {
          cx: x, cy: y, r, class: "marker " + (p.kind || ""),
          "data-name": p.name, "data-lat": p.lat, "data-lon": p.lon, tabindex: 0,
        }, el("title", {}, p.name));
        mark.addEventListener("mousemove", (event) => NG.tip.show(event, p.name, p.rows || []));
        mark.addEventListener("mouseleave", NG.tip.hide);
        if (p.href) mark.addEventListener("click", () => { location.hash = p.href; });
        marks.appendChild(mark);
      }
    };
    const apply = () => {
      svg.setAttribute("viewBox", view.map((v) => v.toFixed(2)).join(" "));
      drawMarks();
    };
    svg.addEventListener("wheel", (event) => {
      event.preventDefault();
      const box = svg.getBoundingClientRect();
      const fx = (event.clientX - box.left) / box.width;
      const fy = (event.clientY - box.top) / box.height;
      const factor = event.deltaY < 0 ? 0.8 : 1.25;
      const w = Math.min(360, Math.max(8, view[2] * factor));
      const h = w / 2;
      view = [view[0] + (view[2] - w) * fx, view[1] + (view[3] - h) * fy, w, h];
      apply();
    }, { passive: false });
    let drag = null;
    svg.addEventListener("pointerdown", (event) => { drag = [event.clientX, event.clientY, view[0], view[1]]; });
    svg.addEventListener("pointerup", () => { drag = null; });
    svg.addEventListener("pointerleave", () => { drag = null; });
    svg.addEventListener("pointermove", (event) => {
      if (!drag) return;
      const box = svg.getBoundingClientRect();
      view[0] = drag[2] - ((event.clientX - drag[0]) / box.width) * view[2];
      view[1] = drag[3] - ((event.clientY - drag[1]) / box.height) * view[3];
      apply();
    });
    apply();
    requestAnimationFrame(apply); // once the map is on the page its width is known
    const wrap = el("div", { class: "map-wrap" }, svg);
    if (!located.length && options.emptyText !== "") wrap.appendChild(el("p", { class: "muted map-note" }, options.emptyText || "No places with coordinates yet."));
    return wrap;
  };

  /** The periods between the first and last item with none left out (zero bars for quiet
   *  periods), so that the bars stand on a time axis; left as they are past 1000 periods. */
  NG.fillPeriods = function fillPeriods(items, by) {
    if (items.length < 2) return items;
    const have = new Map(items.map((i) => [i.period, i]));
    const key = (d) => d.toISOString().slice(0, by === "month" ? 7 : by === "year" ? 4 : 10);
    const parse = (p) => new Date(p.length === 4 ? p + "-01-01T00:00:00Z" : p.length === 7 ? p + "-01T00:00:00Z" : p + "T00:00:00Z");
    const step = (d) => {
      const n = new Date(d);
      if (by === "year") n.setUTCFullYear(n.getUTCFullYear() + 1);
      else if (by === "month") n.setUTCMonth(n.getUTCMonth() + 1);
      else n.setUTCDate(n.getUTCDate() + (by === "week" ? 7 : 1));
      return n;
    };
    const out = [];
    const last = items[items.length - 1].period;
    for (let d = parse(items[0].period); key(d) <= last; d = step(d)) {
      if (out.length > 1000) return items;
      out.push(have.get(key(d)) || { period: key(d), mentions: 0, documents: 0 });
    }
    return out;
  };

  /** Bars of mentions per period: items [{period, mentions, documents}]. */
  NG.timelineChart = function timelineChart(items) {
    const width = 720, height = 200, pad = 28;
    const svg = el("svg", { class: "timeline", viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": "mentions over time" });
    const max = Math.max(1, ...items.map((i) => i.mentions));
    const stepX = Math.min(42, (width - 1.5 * pad) / Math.max(1, items.length));
    const bw = Math.max(1, stepX - (stepX > 4 ? 2 : 0));
    svg.appendChild(el("line", { x1: pad, y1: height - pad, x2: width - pad / 2, y2: height - pad, class: "axis" }));
    svg.appendChild(el("text", { x: 2, y: pad - 8, class: "tick" }, String(max)));
    items.forEach((item, i) => {
      const h = ((height - 2 * pad) * item.mentions) / max;
      const x = pad + i * stepX;
      const bar = el("rect", { x, y: height - pad - h, width: bw, height: item.mentions ? Math.max(1, h) : 0, class: "bar", "data-period": item.period },
        el("title", {}, `${item.period}: ${item.mentions} mentions in ${item.documents} documents`));
      svg.appendChild(bar);
      if (i === 0 || i === items.length - 1 || items.length < 12 || i % Math.ceil(items.length / 8) === 0) {
        svg.appendChild(el("text", { x, y: height - pad + 14, class: "tick" }, item.period));
      }
    });
    return svg;
  };
})();
