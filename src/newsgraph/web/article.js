// newsgraph web app: the article page. The record's text is cut at every span boundary of
// its entities, quotes, places, events, counts and dates; each piece becomes a <span> (its
// text set as text) carrying the layers that cover it, and hovering it shows their details.
"use strict";

(function () {
  const { el } = NG;
  const LAYERS = [
    ["entity", "Entities"],
    ["quote", "Quotes"],
    ["place", "Places"],
    ["event", "Events"],
    ["count", "Counts"],
    ["date", "Dates"],
  ];

  /** Every annotation of a record as {start, end, layer, title, rows, attrs}. */
  /** An event's or count's place: the record's place is the name, place_ref locates it
   * (records stored before place_ref may hold the place object itself). */
  function placeText(item) {
    const ref = item.place_ref || (item.place && typeof item.place === "object" ? item.place : null);
    const name = typeof item.place === "string" ? item.place : ref && ref.name;
    if (!name) return null;
    return ref && ref.country ? name + " (" + ref.country + ")" : name;
  }

  function annotations(rec) {
    const out = [];
    const n = rec.text.length;
    const add = (start, end, a) => {
      if (Number.isInteger(start) && Number.isInteger(end) && start >= 0 && end <= n && start < end) {
        out.push({ start, end, ...a });
      }
    };
    (rec.entities || []).forEach((e, i) => {
      for (const m of e.mentions || []) {
        add(m.start, m.end, { layer: "entity", key: "e" + i, title: e.name, kind: "t-" + e.type,
          rows: [["type", e.type], ["mentions", (e.mentions || []).length], ["kb", e.kb_id]],
          attrs: { "data-entity": e.name, "data-type": e.type } });
      }
    });
    (rec.quotes || []).forEach((q, i) => {
      const [s, t] = q.content || [];
      add(s, t, { layer: "quote", key: "q" + i, title: "Quote (" + q.kind + ")",
        rows: [["speaker", q.speaker || "unknown"], ["cue", q.cue ? rec.text.slice(q.cue[0], q.cue[1]) : null]],
        attrs: { "data-speaker": q.speaker || "", "data-quote": i } });
      if (q.speaker_span) {
        add(q.speaker_span[0], q.speaker_span[1], { layer: "quote", key: "s" + i, kind: "speaker", title: "Speaker: " + (q.speaker || "unknown"),
          rows: [["of quote", rec.text.slice(s, Math.min(t, s + 80)) + (t - s > 80 ? "…" : "")]], attrs: {} });
      }
    });
    (rec.places || []).forEach((p, i) => {
      for (const m of p.mentions || []) {
        add(m.start, m.end, { layer: "place", key: "p" + i, title: p.name,
          rows: [["country", p.country], ["lat, lon", p.lat != null ? `${p.lat.toFixed(3)}, ${p.lon.toFixed(3)}` : null],
            ["feature", p.feature], ["geonames", p.geonameid], ["role", p.role]],
          attrs: { "data-place": p.name } });
      }
    });
    (rec.events || []).forEach((e, i) => {
      const [s, t] = e.evidence || [];
      add(s, t, { layer: "event", key: "v" + i, title: "Event " + e.code + (e.cameo ? " (CAMEO " + e.cameo + ")" : ""),
        rows: [["source", [e.source, e.source_name].filter(Boolean).join(" · ")],
          ["target", [e.target, e.target_name].filter(Boolean).join(" · ")], ["mode", e.mode],
          ["factuality", e.factuality], ["date", e.date], ["place", placeText(e)], ["reported by", e.reported_by]],
        attrs: { "data-event": e.code } });
    });
    (rec.counts || []).forEach((c, i) => {
      const [s, t] = c.evidence || [];
      add(s, t, { layer: "count", key: "c" + i, title: "Count " + c.type,
        rows: [["number", c.number], ["qualifier", c.qualifier], ["of", c.object], ["place", placeText(c)]], attrs: {} });
    });
    (rec.dates || []).forEach((d, i) => {
      add(d.start, d.end, { layer: "date", key: "d" + i, title: "Date", rows: [["value", d.value]], attrs: {} });
    });
    return out;
  }

  /** The text as spans, cut at every annotation boundary. */
  function highlighted(rec, anns) {
    const text = rec.text;
    const cuts = new Set([0, text.length]);
    for (const a of anns) { cuts.add(a.start); cuts.add(a.end); }
    const points = [...cuts].sort((x, y) => x - y);
    const starts = [...anns].sort((x, y) => x.start - y.start);
    const body = el("div", { class: "article-text", id: "article-text" });
    let open = [];
    let next = 0;
    for (let k = 0; k < points.length - 1; k++) {
      const from = points[k], to = points[k + 1];
      while (next < starts.length && starts[next].start <= from) open.push(starts[next++]);
      open = open.filter((a) => a.end > from);
      const piece = text.slice(from, to);
      if (!open.length) { body.appendChild(document.createTextNode(piece)); continue; }
      const classes = new Set(["hl"]);
      const attrs = {};
      for (const a of open) {
        classes.add("hl-" + a.layer);
        if (a.kind) classes.add(a.kind);
        Object.assign(attrs, a.attrs);
      }
      const span = el("span", { class: [...classes].join(" "), ...attrs }, piece);
      const covering = open.slice();
      span.addEventListener("mousemove", (event) => {
        const visible = covering.filter((a) => !body.classList.contains("hide-" + a.layer));
        NG.tip.showMany(event, visible.map((a) => ({ title: a.title, rows: a.rows, kind: "tip-" + a.layer })));
      });
      span.addEventListener("mouseleave", NG.tip.hide);
      body.appendChild(span);
    }
    return body;
  }

  function section(title, count, content) {
    return el("section", { class: "side-section" }, el("h3", {}, title, " ", el("span", { class: "muted" }, String(count))), content);
  }

  NG.articlePage = async function articlePage(view, id) {
    const rec = await NG.api("documents/" + encodeURIComponent(id));
    const anns = annotations(rec);
    const body = highlighted(rec, anns);
    const present = new Set(anns.map((a) => a.layer));
    const toggles = el("div", { class: "layers" }, LAYERS.filter(([layer]) => present.has(layer)).map(([layer, label]) => {
      const box = el("input", { type: "checkbox", checked: "checked", "data-layer": layer });
      box.addEventListener("change", () => body.classList.toggle("hide-" + layer, !box.checked));
      return el("label", { class: "layer-toggle hl-" + layer }, box, label);
    }));
    const link = NG.safeHref(rec.url);
    const head = el("header", { class: "article-head" },
      el("h1", { id: "article-title" }, rec.title || rec.id),
      el("p", { class: "meta" }, [rec.source, rec.published, rec.language].filter(Boolean).join(" · "),
        link ? [" · ", el("a", { href: link, rel: "noopener noreferrer nofollow", target: "_blank" }, rec.url)] : null,
        rec.tone != null ? ` · tone ${Number(rec.tone).toFixed(1)}` : ""),
      toggles);

    const side = el("aside", { class: "side" });
    const ents = rec.entities || [];
    side.appendChild(section("Entities", ents.length, ents.length ? el("ul", { class: "chips" }, ents.map((e) =>
      el("li", {}, el("a", { href: NG.entityLink(e.name), class: "chip t-" + e.type }, e.name), el("span", { class: "muted" }, " " + e.type + " ×" + (e.mentions || []).length)))) : NG.empty("No entities.")));
    const quotes = rec.quotes || [];
    side.appendChild(section("Quotes", quotes.length, quotes.length ? el("ul", { class: "quote-list" }, quotes.map((q) =>
      el("li", {}, el("strong", {}, q.speaker || "unknown speaker"), " ", el("span", { class: "muted" }, q.kind), el("blockquote", {}, rec.text.slice(q.content[0], q.content[1]))))) : NG.empty("No quotes in this record.", "Quotes appear once the quotes stage has run.")));
    const places = (rec.places || []).filter((p) => p.lat != null && p.lon != null);
    const map = await NG.worldMap(places.map((p) => ({ name: p.name, lat: p.lat, lon: p.lon, size: (p.mentions || []).length,
      rows: [["country", p.country], ["mentions", (p.mentions || []).length], ["feature", p.feature]] })), { fit: true, label: "places in this article", emptyText: "No places in this record." });
    side.appendChild(section("Places", (rec.places || []).length, map));
    const events = rec.events || [];
    side.appendChild(section("Events", events.length, events.length ? el("ul", { class: "event-list" }, events.map((e) =>
      el("li", {}, el("strong", {}, e.code), " ", [e.source_name || e.source, "→", e.target_name || e.target].filter(Boolean).join(" "), " ",
        el("span", { class: "muted" }, [e.factuality, e.date, placeText(e)].filter(Boolean).join(" · "))))) : NG.empty("No events in this record.")));

    view.replaceChildren(el("article", { class: "article" }, head, el("div", { class: "article-body" }, body, side)));
    document.title = (rec.title || rec.id) + " — newsgraph";
  };
})();
