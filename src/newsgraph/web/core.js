// newsgraph web app: shared helpers. Everything from the store (titles, text, URLs,
// names) reaches the page through textContent or setAttribute on a vetted attribute,
// never through innerHTML, so article text can't inject markup or script.
"use strict";

const NG = (window.NG = {});

/** Build an element: el("a", {href: "#/x", class: "c"}, "text", child, ...). */
NG.el = function el(tag, attrs, ...children) {
  const svg = ["svg", "path", "circle", "g", "rect", "line", "text", "title"].includes(tag);
  const node = svg ? document.createElementNS("http://www.w3.org/2000/svg", tag) : document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on")) {
      node.addEventListener(key.slice(2), value);
    } else if (key === "href") {
      const safe = NG.safeHref(value);
      if (safe) node.setAttribute("href", safe);
    } else {
      node.setAttribute(key, String(value));
    }
  }
  NG.append(node, children);
  return node;
};

NG.append = function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
};

/** Only in-app links and http(s) URLs become links: no javascript:, data: or others. */
NG.safeHref = function safeHref(value) {
  const text = String(value || "").trim();
  if (text.startsWith("#/")) return text;
  try {
    const url = new URL(text);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch (err) {
    return null;
  }
};

NG.api = async function api(path, params) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params || {})) {
    if (value !== null && value !== undefined && value !== "") query.set(key, value);
  }
  const url = "/api/" + path + (query.toString() ? "?" + query : "");
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const message = (body.error && body.error.message) || JSON.stringify(body.detail || body) || response.statusText;
    throw new Error(message);
  }
  return body;
};

NG.docLink = (id) => "#/doc/" + encodeURIComponent(id);
NG.entityLink = (name) => "#/entity/" + encodeURIComponent(name);
NG.shortDate = (value) => (value ? String(value).slice(0, 10) : "");

NG.empty = function empty(message, hint) {
  return NG.el("div", { class: "empty" }, NG.el("p", {}, message), hint ? NG.el("p", { class: "muted" }, hint) : null);
};

NG.error = function error(err) {
  return NG.el("div", { class: "error" }, "Could not load: ", String(err && err.message ? err.message : err));
};

/** A filter form whose fields live in the URL hash, so views can be linked and reloaded. */
NG.filterForm = function filterForm(route, fields, values) {
  const form = NG.el("form", { class: "filters", role: "search" });
  for (const f of fields) {
    form.appendChild(
      NG.el(
        "label",
        {},
        NG.el("span", {}, f.label),
        NG.el("input", {
          name: f.name,
          type: f.type || "text",
          placeholder: f.placeholder || "",
          value: values.get(f.name) || "",
          size: f.size || 16,
        }),
      ),
    );
  }
  form.appendChild(NG.el("button", { type: "submit" }, "Search"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const f of fields) {
      const value = form.elements[f.name].value.trim();
      if (value) next.set(f.name, value);
    }
    location.hash = route + (next.toString() ? "?" + next : "");
  });
  return form;
};

/** Previous / next links for a page of results. */
NG.pager = function pager(route, values, page) {
  const nav = NG.el("div", { class: "pager" });
  const at = (offset) => {
    const next = new URLSearchParams(values);
    if (offset > 0) next.set("offset", offset);
    else next.delete("offset");
    return route + (next.toString() ? "?" + next : "");
  };
  const end = Math.min(page.offset + page.items.length, page.total);
  nav.appendChild(NG.el("span", { class: "muted" }, page.total ? `${page.offset + 1}–${end} of ${page.total}` : ""));
  if (page.offset > 0) nav.appendChild(NG.el("a", { href: at(Math.max(0, page.offset - page.limit)) }, "‹ previous"));
  if (end < page.total) nav.appendChild(NG.el("a", { href: at(page.offset + page.limit) }, "next ›"));
  return nav;
};

/** The one floating tooltip: show(items of [label, value]) near the pointer. */
NG.tip = {
  show(event, title, rows) {
    const tip = document.getElementById("tip");
    tip.replaceChildren(
      NG.el("strong", {}, title),
      NG.el("dl", {}, rows.filter((r) => r[1] !== null && r[1] !== undefined && r[1] !== "").map((r) => [NG.el("dt", {}, r[0]), NG.el("dd", {}, r[1])])),
    );
    tip.hidden = false;
    NG.tip.move(event);
  },
  showMany(event, blocks) {
    const tip = document.getElementById("tip");
    tip.replaceChildren();
    for (const b of blocks) {
      tip.appendChild(NG.el("div", { class: "tip-block " + (b.kind || "") }, NG.el("strong", {}, b.title),
        NG.el("dl", {}, b.rows.filter((r) => r[1] !== null && r[1] !== undefined && r[1] !== "").map((r) => [NG.el("dt", {}, r[0]), NG.el("dd", {}, r[1])]))));
    }
    tip.hidden = blocks.length === 0;
    NG.tip.move(event);
  },
  move(event) {
    const tip = document.getElementById("tip");
    const x = Math.min(event.clientX + 14, window.innerWidth - tip.offsetWidth - 8);
    const y = Math.min(event.clientY + 16, window.innerHeight - tip.offsetHeight - 8);
    tip.style.left = Math.max(4, x) + "px";
    tip.style.top = Math.max(4, y) + "px";
  },
  hide() {
    document.getElementById("tip").hidden = true;
  },
};
