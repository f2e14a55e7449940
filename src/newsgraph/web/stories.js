// newsgraph web app: the Stories view (#/stories) and a story's page (#/story/ID): its articles on
// a timeline (one lane per outlet), its merged events with how many sources carried each, its
// places on the map, and who said what in it. Text from the store is inserted as text only.
"use strict";

(function () {
  const { el } = NG;
  NG.storyLink = (id) => "#/story/" + encodeURIComponent(id);

  const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

  function span(first, last) {
    const a = NG.shortDate(first), b = NG.shortDate(last);
    if (!a && !b) return "undated";
    return a === b || !b ? a : `${a} – ${b}`;
  }

  NG.storiesView = async function storiesView(view, params) {
    const form = NG.filterForm("#/stories", [
      { name: "q", label: "Words in titles", placeholder: "e.g. summit", size: 24 },
      { name: "since", label: "Active since", placeholder: "YYYY-MM-DD", size: 10 },
    ], params);
    view.replaceChildren(el("h1", {}, "Stories"), el("p", { class: "muted" }, "Articles grouped by the real-world event they report."), form);
    const page = await NG.api("stories", { q: params.get("q"), since: params.get("since"), offset: params.get("offset"), limit: 50 });
    if (!page.items.length) {
      view.appendChild(NG.empty(params.toString() ? "No stories match." : "No stories yet.", "Stories appear once ingested articles have been grouped."));
      return;
    }
    view.appendChild(el("table", { class: "grid stories" },
      el("thead", {}, el("tr", {}, ["Story", "Articles", "Sources", "Dates"].map((h) => el("th", {}, h)))),
      el("tbody", {}, page.items.map((s) => el("tr", { "data-story": s.story_id },
        el("td", {}, el("a", { href: NG.storyLink(s.story_id) }, s.title || s.story_id)),
        el("td", { class: "num" }, s.n_articles),
        el("td", { class: "num" }, s.n_sources),
        el("td", {}, span(s.first_seen, s.last_seen)))))));
    view.appendChild(NG.pager("#/stories", params, page));
  };

  /** Articles as dots on a time axis, one lane per outlet; hover for the title, click to read. */
  function articleTimeline(articles) {
    const dated = articles.filter((a) => a.published && !isNaN(Date.parse(a.published)));
    if (!dated.length) return null;
    const lanes = [...new Set(dated.map((a) => a.source || "unknown source"))].slice(0, 14);
    const width = 720, left = 170, right = 20, laneH = 26, top = 10;
    const height = top + lanes.length * laneH + 30;
    const times = dated.map((a) => Date.parse(a.published));
    const t0 = Math.min(...times), t1 = Math.max(...times);
    const x = (t) => (t1 === t0 ? (left + width - right) / 2 : left + ((t - t0) / (t1 - t0)) * (width - left - right));
    const svg = el("svg", { class: "story-timeline", viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": "the story's articles over time" });
    lanes.forEach((lane, i) => {
      const y = top + i * laneH + laneH / 2;
      svg.appendChild(el("line", { x1: left, y1: y, x2: width - right, y2: y, class: "lane" }));
      svg.appendChild(el("text", { x: left - 8, y: y + 4, class: "lane-label", "text-anchor": "end" }, lane.length > 24 ? lane.slice(0, 23) + "…" : lane));
    });
    svg.appendChild(el("text", { x: left, y: height - 8, class: "tick" }, NG.shortDate(new Date(t0).toISOString())));
    if (t1 !== t0) svg.appendChild(el("text", { x: width - right, y: height - 8, class: "tick", "text-anchor": "end" }, NG.shortDate(new Date(t1).toISOString())));
    for (const a of dated) {
      const lane = lanes.indexOf(a.source || "unknown source");
      if (lane < 0) continue;
      const dot = el("circle", { cx: x(Date.parse(a.published)), cy: top + lane * laneH + laneH / 2, r: 6, class: "article-dot", "data-doc": a.id, tabindex: 0 },
        el("title", {}, a.title || a.id));
      dot.addEventListener("mousemove", (event) => NG.tip.show(event, a.title || a.id, [["source", a.source], ["published", a.published]]));
      dot.addEventListener("mouseleave", NG.tip.hide);
      dot.addEventListener("click", () => { location.hash = NG.docLink(a.id); });
      svg.appendChild(dot);
    }
    return svg;
  }

  function actors(e) {
    const who = (code, name) => [name, code ? `(${code})` : null].filter(Boolean).join(" ");
    return [who(e.source, e.source_name) || "?", "→", who(e.target, e.target_name) || "?"].join(" ");
  }

  NG.mergedEventTable = function mergedEventTable(events) {
    return eventTable(events);
  };

  function eventTable(events) {
    return el("table", { class: "grid merged-events" },
      el("thead", {}, el("tr", {}, ["Event", "Who → whom", "When", "Where", "Sources", "Articles", "Reports"].map((h) => el("th", {}, h)))),
      el("tbody", {}, events.map((e) => el("tr", { "data-event": e.event_id, "data-code": e.code },
        el("td", {}, el("span", { class: "code" }, e.code, e.cameo ? " " + e.cameo : ""), " ", el("span", { class: "muted" }, e.factuality)),
        el("td", {}, actors(e)),
        el("td", {}, e.date || span(e.first_seen, e.last_seen)),
        el("td", {}, e.place || ""),
        el("td", { class: "num n-sources" }, e.n_sources),
        el("td", { class: "num" }, e.n_articles),
        el("td", { class: "evidence" }, (e.reports || []).length ? el("details", {},
          el("summary", {}, plural(e.n_reports, "report")),
          el("ul", { class: "reports" }, e.reports.map((r) => el("li", {},
            el("q", {}, (r.evidence || "").replace(/\s+/g, " ").trim()), " ",
            el("a", { href: NG.docLink(r.doc_id) }, "→ " + (r.source || r.title || r.doc_id))))))
          : el("span", {}, plural(e.n_reports, "report"), e.evidence ? [": ", el("q", {}, e.evidence.replace(/\s+/g, " ").trim()), " ",
            el("a", { href: NG.docLink(e.doc_id) }, "→ first report")] : null,
            e.story_id ? [" · ", el("a", { href: NG.storyLink(e.story_id), class: "story-link" }, "story")] : null))))));
  }

  function whoSaidWhat(quotes) {
    const bySpeaker = new Map();
    for (const q of quotes) {
      const key = q.speaker || "unknown speaker";
      if (!bySpeaker.has(key)) bySpeaker.set(key, []);
      bySpeaker.get(key).push(q);
    }
    const speakers = [...bySpeaker.entries()].sort((a, b) => b[1].length - a[1].length);
    return el("div", { class: "speakers" }, speakers.map(([speaker, items]) => el("section", { class: "speaker", "data-speaker": speaker },
      el("h3", {}, speaker === "unknown speaker" ? speaker : el("a", { href: NG.entityLink(speaker) }, speaker), " ", el("span", { class: "muted" }, String(items.length))),
      el("ul", { class: "quote-list" }, items.slice(0, 6).map((q) => el("li", {},
        el("blockquote", {}, q.content),
        el("div", { class: "meta" }, q.kind, " · ", el("a", { href: NG.docLink(q.doc_id) }, q.source || q.title || q.doc_id))))))));
  }

  NG.storyPage = async function storyPage(view, id) {
    const data = await NG.api("stories/" + encodeURIComponent(id));
    const s = data.story;
    document.title = (s.title || s.story_id) + " — newsgraph";
    view.replaceChildren(
      el("header", { class: "article-head" },
        el("h1", { id: "story-title" }, s.title || s.story_id),
        el("p", { class: "meta" }, `${plural(s.n_articles, "article")} · ${plural(s.n_sources, "source")} · ${span(s.first_seen, s.last_seen)}`)));
    view.appendChild(el("h2", {}, "Articles"));
    const timeline = articleTimeline(data.articles);
    if (timeline) view.appendChild(timeline);
    view.appendChild(el("ol", { class: "story-articles" }, data.articles.map((a) => el("li", {},
      el("a", { href: NG.docLink(a.id) }, a.title || a.id), " ",
      el("span", { class: "muted" }, [a.source, NG.shortDate(a.published)].filter(Boolean).join(" · "))))));
    view.appendChild(el("h2", {}, "Events ", el("span", { class: "muted" }, "each merged from its reports; sources = outlets that carried it")));
    view.appendChild(data.events.length ? eventTable(data.events) : NG.empty("No events were coded in this story."));
    const eventsAt = new Map();
    for (const e of data.events) if (e.place) eventsAt.set(e.place, (eventsAt.get(e.place) || 0) + 1);
    const map = await NG.worldMap(data.places.map((p) => ({
      name: p.name, lat: p.lat, lon: p.lon, size: p.documents, kind: eventsAt.has(p.name) ? "has-events" : "",
      rows: [["country", p.country], ["articles", p.documents], ["events", eventsAt.get(p.name) || 0]],
    })), { fit: true, label: "the story's places", emptyText: "No places with coordinates in this story." });
    view.appendChild(el("div", { class: "story-columns" },
      el("section", {}, el("h2", {}, "Places ", el("span", { class: "muted" }, "orange: events coded there")), map),
      el("section", {}, el("h2", {}, "Who said what"), data.quotes.length ? whoSaidWhat(data.quotes) : NG.empty("No quotes in this story."))));
  };
})();
