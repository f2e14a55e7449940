// newsgraph web app: the views and the hash router. Routes:
//   #/            search articles          #/doc/ID       one article, highlighted
//   #/entities    entities by type         #/entity/NAME  timeline of mentions, quotes
//   #/quotes      who said what about X    #/events       events table with filters
//   #/map         places and events on the world map
//   #/stories     stories (stories.js)     #/story/ID     one story: timeline, merged events, map, quotes
"use strict";

(function () {
  const { el } = NG;

  function table(columns, rows) {
    return el("table", { class: "grid" },
      el("thead", {}, el("tr", {}, columns.map((c) => el("th", {}, c[0])))),
      el("tbody", {}, rows.map((row) => el("tr", {}, columns.map((c) => el("td", { class: c[2] || "" }, c[1](row)))))));
  }

  async function searchView(view, params) {
    const form = NG.filterForm("#/", [
      { name: "q", label: "Words", placeholder: "e.g. syria ceasefire", size: 30 },
      { name: "source", label: "Source" },
      { name: "since", label: "Since", placeholder: "YYYY-MM-DD", size: 10 },
      { name: "until", label: "Until", placeholder: "YYYY-MM-DD", size: 10 },
    ], params);
    view.replaceChildren(el("h1", {}, "Articles"), form);
    const page = await NG.api("documents", { q: params.get("q"), source: params.get("source"), since: params.get("since"), until: params.get("until"), offset: params.get("offset"), limit: 20 });
    if (!page.items.length) {
      view.appendChild(NG.empty(params.get("q") ? "No article contains all of these words." : "The store has no articles yet.", "Add some with `newsgraph ingest FILES` or POST /api/documents."));
      return;
    }
    view.appendChild(el("ol", { class: "results", start: page.offset + 1 }, page.items.map((d) =>
      el("li", { class: "result" },
        el("a", { href: NG.docLink(d.id), class: "result-title" }, d.title || d.id),
        el("div", { class: "meta" }, [d.source, NG.shortDate(d.published)].filter(Boolean).join(" · ")),
        d.snippet ? el("p", { class: "snippet" }, d.snippet.replace(/\s+/g, " ").trim() + "…") : null))));
    view.appendChild(NG.pager("#/", params, page));
  }

  async function entitiesView(view, params) {
    const form = NG.filterForm("#/entities", [
      { name: "q", label: "Name contains" },
      { name: "type", label: "Type", placeholder: "PERSON, ORG, GPE…", size: 10 },
    ], params);
    view.replaceChildren(el("h1", {}, "Entities"), form);
    const page = await NG.api("entities", { q: params.get("q"), type: params.get("type"), offset: params.get("offset"), limit: 50 });
    if (!page.items.length) { view.appendChild(NG.empty("No entities match.")); return; }
    view.appendChild(table([
      ["Name", (e) => el("a", { href: NG.entityLink(e.name), class: "t-" + e.type }, e.name)],
      ["Type", (e) => e.type],
      ["Mentions", (e) => e.mentions, "num"],
      ["Documents", (e) => e.documents, "num"],
    ], page.items));
    view.appendChild(NG.pager("#/entities", params, page));
  }

  async function entityView(view, name, params) {
    const by = params.get("by") || "day";
    const picker = el("div", { class: "layers" }, ["day", "week", "month", "year"].map((b) =>
      el("a", { href: NG.entityLink(name) + "?by=" + b, class: b === by ? "on" : "" }, b)));
    view.replaceChildren(el("h1", {}, name), el("h2", {}, "Mentions over time"), picker);
    const timeline = await NG.api("timeline", { entity: name, by });
    view.appendChild(timeline.items.length ? NG.timelineChart(NG.fillPeriods(timeline.items, by)) : NG.empty("No dated mentions of this entity.", "Timelines count documents with a publication date."));
    const [quotes, docs] = await Promise.all([
      NG.api("quotes", { speaker: name, limit: 20 }),
      NG.api("documents", { q: name, limit: 10 }),
    ]);
    view.appendChild(el("h2", {}, "Quoted"));
    view.appendChild(quotes.items.length ? quoteList(quotes.items) : NG.empty("No quotes by this speaker."));
    view.appendChild(el("h2", {}, "Articles"));
    view.appendChild(docs.items.length ? el("ul", {}, docs.items.map((d) => el("li", {}, el("a", { href: NG.docLink(d.id) }, d.title || d.id), " ", el("span", { class: "muted" }, NG.shortDate(d.published))))) : NG.empty("No articles."));
  }

  function quoteList(items) {
    return el("ul", { class: "quote-list" }, items.map((q) => el("li", { class: "quote" },
      el("blockquote", {}, q.content),
      el("div", { class: "meta" }, el("strong", {}, q.speaker || "unknown speaker"), " · ", q.kind, " · ",
        el("a", { href: NG.docLink(q.doc_id) }, q.title || q.doc_id), q.published ? " · " + NG.shortDate(q.published) : ""))));
  }

  async function quotesView(view, params) {
    const form = NG.filterForm("#/quotes", [
      { name: "speaker", label: "Who", placeholder: "speaker name" },
      { name: "about", label: "said about", placeholder: "a word or name" },
      { name: "since", label: "Since", placeholder: "YYYY-MM-DD", size: 10 },
    ], params);
    view.replaceChildren(el("h1", {}, "Quotes"), el("p", { class: "muted" }, "Who said what about X."), form);
    const page = await NG.api("quotes", { speaker: params.get("speaker"), about: params.get("about"), since: params.get("since"), offset: params.get("offset"), limit: 50 });
    if (!page.items.length) {
      view.appendChild(NG.empty(params.toString() ? "No quotes match." : "No quotes stored yet.", "Quotes appear once the quotes stage has run over ingested articles."));
      return;
    }
    view.appendChild(quoteList(page.items));
    view.appendChild(NG.pager("#/quotes", params, page));
  }

  async function eventsView(view, params) {
    const form = NG.filterForm("#/events", [
      { name: "actor", label: "Actor", placeholder: "RUS, Obama…" },
      { name: "code", label: "Type", placeholder: "CONSULT, AGREE, 04…", size: 10 },
      { name: "since", label: "Since", placeholder: "YYYY-MM-DD", size: 10 },
      { name: "place", label: "Place" },
      { name: "merged", label: "", type: "hidden" },
    ], params);
    const merged = params.get("merged") === "1";
    const other = new URLSearchParams(params);
    other.delete("offset");
    if (merged) other.delete("merged"); else other.set("merged", "1");
    const toggle = el("p", { class: "layers" }, el("a", { href: "#/events" + (other.toString() ? "?" + other : ""), id: "merged-toggle" },
      merged ? "show every report" : "show merged events (the reports of one event across a story's articles)"));
    view.replaceChildren(el("h1", {}, merged ? "Merged events" : "Events"), form, toggle);
    const query = { actor: params.get("actor"), code: params.get("code"), since: params.get("since"), place: params.get("place"), offset: params.get("offset"), limit: 50 };
    if (merged) {
      const mpage = await NG.api("events", { ...query, merged: "true" });
      if (!mpage.items.length) { view.appendChild(NG.empty("No merged events match.", "Merged events appear once ingested articles are grouped into stories.")); return; }
      view.appendChild(NG.mergedEventTable(mpage.items));
      view.appendChild(NG.pager("#/events", params, mpage));
      return;
    }
    const page = await NG.api("events", query);
    if (!page.items.length) {
      view.appendChild(NG.empty(params.toString() ? "No events match." : "No events stored yet.", "Events appear once the events stage has run over ingested articles."));
      return;
    }
    view.appendChild(table([
      ["Date", (e) => e.date || NG.shortDate(e.published)],
      ["Type", (e) => el("span", { class: "code" }, e.code, e.cameo ? " " + e.cameo : "")],
      ["Source", (e) => [e.source, e.source_name].filter(Boolean).join(" · ")],
      ["Target", (e) => [e.target, e.target_name].filter(Boolean).join(" · ")],
      ["Factuality", (e) => e.factuality],
      ["Place", placeCell],
      ["Evidence", (e) => el("span", {}, e.evidence, " ", el("a", { href: NG.docLink(e.doc_id) }, "→ " + (e.title || e.doc_id))), "evidence"],
    ], page.items));
    view.appendChild(NG.pager("#/events", params, page));
  }

  /** An event's place: its name (the store's place column is the name), located in a tooltip. */
  function placeCell(e) {
    if (!e.place) return "";
    const at = e.place_lat != null && e.place_lon != null ? e.place_lat.toFixed(2) + ", " + e.place_lon.toFixed(2) : null;
    return el("span", { title: [e.place_country, at].filter(Boolean).join(" · ") || null }, e.place);
  }

  async function mapView(view, params) {
    view.replaceChildren(el("h1", {}, "Map"), el("p", { class: "muted" }, "Places named in the articles; the larger the circle, the more articles. Orange circles had events coded there. Scroll to zoom, drag to pan."));
    const page = await NG.api("places", { country: params.get("country"), limit: 1000 });
    const points = page.items.map((p) => ({
      name: p.name, lat: p.lat, lon: p.lon, size: p.documents, kind: p.events ? "has-events" : "",
      href: p.events ? "#/events?place=" + encodeURIComponent(p.name) : "#/?q=" + encodeURIComponent(p.name),
      rows: [["country", p.country], ["articles", p.documents], ["mentions", p.mentions], ["events", p.events]],
    }));
    view.appendChild(await NG.worldMap(points, { label: "places and events", emptyText: "" }));
    if (!page.items.length) {
      view.appendChild(NG.empty("No places stored yet.", "Places appear once the places stage has run over ingested articles."));
    } else {
      view.appendChild(table([
        ["Place", (p) => el("a", { href: "#/?q=" + encodeURIComponent(p.name) }, p.name)],
        ["Country", (p) => p.country || ""],
        ["Articles", (p) => p.documents, "num"],
        ["Events", (p) => (p.events ? el("a", { href: "#/events?place=" + encodeURIComponent(p.name) }, String(p.events)) : "0"), "num"],
      ], page.items.slice(0, 50)));
    }
  }

  const routes = [
    [/^#\/doc\/(.+)$/, (view, m) => NG.articlePage(view, decodeURIComponent(m[1])), "search"],
    [/^#\/stories$/, (view, m, p) => NG.storiesView(view, p), "stories"],
    [/^#\/story\/(.+)$/, (view, m) => NG.storyPage(view, decodeURIComponent(m[1])), "stories"],
    [/^#\/entity\/(.+)$/, (view, m, p) => entityView(view, decodeURIComponent(m[1]), p), "entities"],
    [/^#\/entities$/, (view, m, p) => entitiesView(view, p), "entities"],
    [/^#\/quotes$/, (view, m, p) => quotesView(view, p), "quotes"],
    [/^#\/events$/, (view, m, p) => eventsView(view, p), "events"],
    [/^#\/map$/, (view, m, p) => mapView(view, p), "map"],
    [/^#?\/?$/, (view, m, p) => searchView(view, p), "search"],
  ];

  async function route() {
    const view = document.getElementById("view");
    NG.tip.hide();
    const [path, query] = (location.hash || "#/").split("?");
    const params = new URLSearchParams(query || "");
    for (const [pattern, show, tab] of routes) {
      const m = path.match(pattern);
      if (!m) continue;
      for (const a of document.querySelectorAll("#nav a")) a.classList.toggle("on", a.dataset.view === tab);
      view.replaceChildren(el("p", { class: "muted loading" }, "Loading…"));
      document.title = "newsgraph";
      try {
        await show(view, m, params);
        view.dataset.ready = path;
      } catch (err) {
        view.replaceChildren(NG.error(err));
        view.dataset.ready = "error";
      }
      return;
    }
    view.replaceChildren(NG.empty("No such page."), el("a", { href: "#/" }, "Back to articles"));
  }

  async function counts() {
    try {
      const stats = await NG.api("stats");
      // a view shows in the menu once its table has rows
      for (const a of document.querySelectorAll("#nav a[data-table]")) {
        a.hidden = !stats.counts[a.dataset.table];
      }
      document.getElementById("counts").textContent =
        `${stats.counts.documents} articles · ${stats.counts.entities} entities` +
        (stats.counts.stories ? ` · ${stats.counts.stories} stories` : "") +
        (stats.counts.quotes ? ` · ${stats.counts.quotes} quotes` : "") +
        (stats.counts.events ? ` · ${stats.counts.events} events` : "");
    } catch (err) {
      document.getElementById("counts").textContent = "store unavailable";
    }
  }

  window.addEventListener("hashchange", route);
  document.addEventListener("DOMContentLoaded", () => { counts(); route(); });
})();
