// The data stewards' console: a small single-page app over the registry's /v1 API.
//
// No framework and no build step. Views are drawn with DOM calls (never innerHTML), so personal
// data is always text, never markup. The steward's key lives in sessionStorage only: it is gone
// when the tab closes and is never written anywhere else. Views keep the data they fetched so that
// switching the language redraws without reading (and access-logging) citizen data again.
"use strict";

(() => {
  const DICT = window.CONSOLE_I18N;
  const FIELDS = ["nik", "full_name", "given_name", "family_name", "sex", "birth_date", "birth_place",
    "address", "village", "district", "city", "province", "postcode", "phone", "email"];
  // The purpose sent with every read of citizen data; it goes to the citizen's access log.
  const PURPOSE = { review: "steward review", citizen: "steward citizen view", search: "steward citizen search" };
  const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

  const $ = (sel, root = document) => root.querySelector(sel);
  const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

  // ---------------------------------------------------------------- language

  let lang = localStorage.getItem("console.lang") === "en" ? "en" : "id";

  function t(key, params) {
    let s = (DICT[lang] || {})[key];
    if (s === undefined) s = DICT.id[key];
    if (s === undefined) s = key;
    if (params) s = s.replace(/\{(\w+)\}/g, (m, k) => (params[k] !== undefined ? String(params[k]) : m));
    return s;
  }
  const locale = () => (lang === "id" ? "id-ID" : "en-GB");
  const fieldLabel = (f) => t("field." + f);
  const levelLabel = (l) => (DICT.id["level." + l] !== undefined ? t("level." + l) : l);
  const eventLabel = (k) => (DICT.id["event." + k] !== undefined ? t("event." + k) : k);

  function applyStatic() {
    document.documentElement.lang = lang;
    document.title = t("title");
    for (const el of $$("[data-i18n]")) el.textContent = t(el.dataset.i18n);
    for (const el of $$("[data-i18n-aria-label]")) el.setAttribute("aria-label", t(el.dataset.i18nAriaLabel));
    $("#lang-id").setAttribute("aria-pressed", String(lang === "id"));
    $("#lang-en").setAttribute("aria-pressed", String(lang === "en"));
    const who = $("#who");
    who.textContent = session.name ? t("signed_in_as", { name: session.name }) : "";
  }

  function setLang(l) {
    if (l === lang) return;
    lang = l;
    localStorage.setItem("console.lang", l); // a preference, not a secret
    applyStatic();
    redraw();
  }

  // ---------------------------------------------------------------- formatting

  function pct(x) {
    return new Intl.NumberFormat(locale(), { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(x || 0);
  }
  function signed(x) {
    return new Intl.NumberFormat(locale(), { signDisplay: "exceptZero", minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(x || 0);
  }
  function when(iso) {
    if (!iso) return "";
    const d = new Date(iso);
    if (isNaN(d)) return iso;
    return new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeStyle: "short" }).format(d);
  }
  const shortID = (id) => (id ? String(id).slice(0, 8) : "");
  const recordName = (r) => (r ? `${r.source} / ${r.local_id}` : "");

  // norm makes two spellings of the same value compare equal for the highlight only (the
  // matcher's own normalisation is far richer; this just avoids flagging "P" against "F").
  function norm(field, v) {
    let s = String(v || "").trim().toLowerCase().replace(/\s+/g, " ");
    if (field === "sex") {
      if (["m", "l", "male", "laki-laki", "pria"].includes(s)) return "m";
      if (["f", "p", "female", "perempuan", "wanita"].includes(s)) return "f";
    }
    if (field === "birth_date") {
      let m = s.match(/^(\d{4})-?(\d{2})-?(\d{2})$/);
      if (m) return `${m[1]}-${m[2]}-${m[3]}`;
      m = s.match(/^(\d{2})[-/.](\d{2})[-/.](\d{4})$/);
      if (m) return `${m[3]}-${m[2]}-${m[1]}`;
    }
    if (field === "nik" || field === "phone" || field === "postcode") return s.replace(/[^0-9+]/g, "");
    return s.replace(/[.,]/g, "");
  }

  // ---------------------------------------------------------------- DOM

  function h(tag, attrs, ...kids) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") el.className = v;
      else if (k === "text") el.textContent = v;
      else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? "" : String(v));
    }
    for (const kid of kids.flat(Infinity)) {
      if (kid === null || kid === undefined || kid === false) continue;
      el.append(kid instanceof Node ? kid : String(kid));
    }
    return el;
  }
  const citizenLink = (id, text) => h("a", { href: "#/citizen/" + id, class: "citizen-link", "data-citizen": id }, h("code", {}, text || id));

  // ---------------------------------------------------------------- session and API

  const session = {
    get key() { return sessionStorage.getItem("console.key") || ""; },
    get name() { return sessionStorage.getItem("console.name") || ""; },
    set(key, name) { sessionStorage.setItem("console.key", key); sessionStorage.setItem("console.name", name); },
    clear() { sessionStorage.removeItem("console.key"); sessionStorage.removeItem("console.name"); },
  };

  class Problem extends Error {
    constructor(status, body, requestID) {
      super((body && body.detail) || String(status));
      this.status = status;
      this.body = body || {};
      this.requestID = requestID || "";
    }
  }

  // api calls the registry. purpose marks a read of citizen data: it adds the X-Purpose and
  // X-End-User headers that the access log records.
  async function api(method, path, { body, purpose, headers, key } = {}) {
    const hd = { Accept: "application/json, application/problem+json", Authorization: "Bearer " + (key || session.key) };
    if (purpose) {
      hd["X-Purpose"] = purpose;
      hd["X-End-User"] = session.name;
    }
    if (body !== undefined) hd["Content-Type"] = "application/json";
    Object.assign(hd, headers || {});
    let res;
    try {
      res = await fetch(path, {
        method, headers: hd, body: body !== undefined ? JSON.stringify(body) : undefined,
        cache: "no-store", credentials: "omit", redirect: "error",
      });
    } catch (e) {
      throw new Problem(0, { detail: t("err.network") });
    }
    const text = await res.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
    if (!res.ok) {
      const p = new Problem(res.status, data, res.headers.get("X-Request-ID"));
      if (res.status === 401 && !key) {
        signOut();
        showProblem(p, t("err.unauthorized"));
      }
      throw p;
    }
    return { data, etag: res.headers.get("ETag") };
  }

  // ---------------------------------------------------------------- messages

  let pending = null; // a status message to show after the next navigation

  function say(...nodes) {
    $("#status").replaceChildren(h("p", { class: "ok" }, ...nodes));
  }
  function clearMessages() {
    $("#status").replaceChildren();
    $("#problem").replaceChildren();
  }

  // showProblem shows an RFC 9457 problem: its detail, each field error and the request ID.
  function showProblem(err, lead) {
    if (!(err instanceof Problem)) {
      console.error(err);
      err = new Problem(0, { detail: String(err && err.message ? err.message : err) });
    }
    const b = err.body || {};
    const generic = { 401: "err.unauthorized", 403: "err.forbidden", 404: "err.not_found" }[err.status];
    const box = h("div", { class: "problem-box" },
      h("p", { class: "problem-title" }, err.status ? t("err.title", { status: err.status + " " + (b.title || "") }) : t("err.network")),
      lead ? h("p", {}, lead) : (generic ? h("p", {}, t(generic)) : null),
      b.detail ? h("p", { class: "problem-detail" }, b.detail) : null,
      Array.isArray(b.errors) && b.errors.length
        ? h("ul", {}, b.errors.map((e) => h("li", {}, h("code", {}, e.location || ""), " ", e.message || "")))
        : null,
      err.requestID ? h("p", { class: "muted" }, t("err.request_id", { id: err.requestID })) : null);
    $("#problem").replaceChildren(box);
  }

  // ---------------------------------------------------------------- state and routing

  const queue = { sort: "oldest", source: "", min: "", max: "", offset: 0, reviews: [], next: 0, sel: 0, loaded: false };
  let view = { name: "", data: null };
  let loadSeq = 0;

  function routeParts() {
    const parts = (location.hash || "#/queue").replace(/^#\/?/, "").split("/");
    return { name: parts[0] || "queue", id: decodeURIComponent(parts[1] || "") };
  }

  async function route() {
    const seq = ++loadSeq;
    $("#problem").replaceChildren();
    $("#status").replaceChildren();
    if (pending) { say(...pending); pending = null; }
    if (!session.key) { drawLogin(); return; }
    const { name, id } = routeParts();
    try {
      let data;
      if (name === "review") data = await loadReview(id);
      else if (name === "citizen") data = await loadCitizen(id);
      else if (name === "search") data = view.name === "search" ? view.data : { form: {}, results: null };
      else data = await loadQueue();
      if (seq !== loadSeq) return; // a later navigation won
      view = { name: ["review", "citizen", "search"].includes(name) ? name : "queue", data };
      redraw();
      const h1 = $("#main h1");
      if (h1) h1.focus({ preventScroll: false });
      if (view.name === "queue") focusQueueRow(false);
    } catch (e) {
      if (seq !== loadSeq) return;
      if (e instanceof Problem && e.status === 401) return; // signed out already
      $("#main").replaceChildren(h("h1", { tabindex: "-1" }, "—"));
      showProblem(e);
    }
  }

  function redraw() {
    const main = $("#main");
    const signedIn = !!session.key;
    $("#nav").hidden = !signedIn;
    $("#who").hidden = !signedIn;
    $("#logout").hidden = !signedIn;
    for (const a of $$("#nav a")) {
      if (a.getAttribute("href") === "#/" + view.name) a.setAttribute("aria-current", "page");
      else a.removeAttribute("aria-current");
    }
    if (!signedIn) { drawLogin(); return; }
    let content;
    if (view.name === "review") content = drawReview(view.data);
    else if (view.name === "citizen") content = drawCitizen(view.data);
    else if (view.name === "search") content = drawSearch(view.data);
    else if (view.name === "queue") content = drawQueue();
    else return;
    main.replaceChildren(content);
  }

  function signOut() {
    session.clear();
    clearMessages();
    view = { name: "", data: null };
    Object.assign(queue, { reviews: [], loaded: false, sel: 0, offset: 0 });
    applyStatic();
    redraw();
  }

  // ---------------------------------------------------------------- login

  function drawLogin() {
    // Redrawn on a language switch: keep what was typed.
    const typedKey = $("#login-key") ? $("#login-key").value : "";
    const typedName = $("#login-name") ? $("#login-name").value : "";
    view = { name: "login", data: null };
    $("#nav").hidden = true;
    $("#who").hidden = true;
    $("#logout").hidden = true;
    const form = h("form", { id: "login-form", class: "panel narrow", novalidate: true },
      h("h1", { tabindex: "-1" }, t("login.title")),
      h("p", {}, t("login.intro")),
      h("div", { class: "field" },
        h("label", { for: "login-key" }, t("login.key")),
        h("input", { id: "login-key", name: "key", type: "password", autocomplete: "off", required: true, spellcheck: "false", "aria-describedby": "login-key-hint" }),
        h("p", { id: "login-key-hint", class: "hint" }, h("code", {}, t("login.key_hint")))),
      h("div", { class: "field" },
        h("label", { for: "login-name" }, t("login.name")),
        h("input", { id: "login-name", name: "name", type: "text", autocomplete: "name", required: true, maxlength: "200", "aria-describedby": "login-name-hint" }),
        h("p", { id: "login-name-hint", class: "hint" }, t("login.name_hint"))),
      h("button", { type: "submit", class: "primary", id: "login-submit" }, t("login.submit")));
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const key = $("#login-key").value.trim();
      const name = $("#login-name").value.trim();
      if (!key) { $("#login-key").focus(); return; }
      if (!name) { $("#login-name").focus(); return; }
      $("#problem").replaceChildren();
      try {
        // A steward key can list the queue; anything else is refused here rather than later.
        await api("GET", "/v1/reviews?limit=1", { key });
      } catch (err) {
        showProblem(err, err.status === 403 ? t("login.no_scope") : null);
        $("#login-key").focus();
        return;
      }
      session.set(key, name);
      applyStatic();
      if (location.hash === "" || location.hash === "#/queue" || location.hash === "#/") route();
      else location.hash = "#/queue";
    });
    $("#main").replaceChildren(form);
    $("#login-key").value = typedKey;
    $("#login-name").value = typedName;
    $("#login-key").focus();
  }

  // ---------------------------------------------------------------- queue

  async function loadQueue() {
    const q = new URLSearchParams({ status: "open", sort: queue.sort, limit: "50", offset: String(queue.offset) });
    if (queue.source) q.set("source", queue.source);
    if (queue.min !== "") q.set("min_score", String(Number(queue.min) / 100));
    if (queue.max !== "") q.set("max_score", String(Number(queue.max) / 100));
    const { data } = await api("GET", "/v1/reviews?" + q);
    queue.reviews = data.reviews || [];
    queue.next = data.next_offset || 0;
    queue.loaded = true;
    queue.sel = Math.min(queue.sel, Math.max(0, queue.reviews.length - 1));
    return queue;
  }

  function drawQueue() {
    const sortSel = h("select", { id: "q-sort", name: "sort" },
      ["oldest", "newest", "score"].map((s) => h("option", { value: s, selected: queue.sort === s }, t("queue.sort." + s))));
    const filters = h("form", { id: "queue-filter", class: "filters", role: "search", "aria-label": t("queue.filters") },
      h("div", { class: "field inline" }, h("label", { for: "q-sort" }, t("queue.sort")), sortSel),
      h("div", { class: "field inline" }, h("label", { for: "q-source" }, t("queue.source")),
        h("input", { id: "q-source", name: "source", value: queue.source, placeholder: t("queue.source_any"), size: "12", pattern: "[a-z][a-z0-9_-]{1,31}" })),
      h("div", { class: "field inline" }, h("label", { for: "q-min" }, t("queue.min_score")),
        h("input", { id: "q-min", name: "min", type: "number", min: "0", max: "100", step: "1", value: queue.min, class: "num" })),
      h("div", { class: "field inline" }, h("label", { for: "q-max" }, t("queue.max_score")),
        h("input", { id: "q-max", name: "max", type: "number", min: "0", max: "100", step: "1", value: queue.max, class: "num" })),
      h("button", { type: "submit" }, t("queue.apply")));
    filters.addEventListener("submit", (e) => {
      e.preventDefault();
      Object.assign(queue, { sort: $("#q-sort").value, source: $("#q-source").value.trim(), min: $("#q-min").value, max: $("#q-max").value, offset: 0, sel: 0 });
      route();
    });

    let table;
    if (!queue.reviews.length) {
      table = h("p", { class: "empty", id: "queue-empty" }, t("queue.empty"));
    } else {
      table = h("table", { id: "queue-table", class: "grid" },
        h("caption", {}, t("queue.caption", { n: queue.reviews.length })),
        h("thead", {}, h("tr", {},
          h("th", { scope: "col" }, t("queue.col.record")),
          h("th", { scope: "col", class: "num" }, t("queue.col.score")),
          h("th", { scope: "col", class: "num" }, t("queue.col.candidates")),
          h("th", { scope: "col" }, t("queue.col.age")),
          h("th", { scope: "col" }, t("queue.col.reason")))),
        h("tbody", {}, queue.reviews.map((r, i) => h("tr", { "data-review": r.id, class: i === queue.sel ? "selected" : null, "aria-current": i === queue.sel ? "true" : null },
          h("td", {}, h("a", { href: "#/review/" + r.id, class: "review-link", "aria-label": t("queue.open", { record: recordName(r.record) }) }, recordName(r.record))),
          h("td", { class: "num" }, scoreBadge(r.score)),
          h("td", { class: "num" }, String((r.candidates || []).length)),
          h("td", {}, when(r.created_at)),
          h("td", { class: "muted" }, r.reason || "")))));
    }
    const pager = h("div", { class: "pager" },
      h("button", { type: "button", id: "q-prev", disabled: queue.offset === 0, onclick: () => { queue.offset = Math.max(0, queue.offset - 50); queue.sel = 0; route(); } }, t("queue.prev")),
      h("button", { type: "button", id: "q-next", disabled: !queue.next, onclick: () => { queue.offset = queue.next; queue.sel = 0; route(); } }, t("queue.next")));
    return h("section", { class: "view view-queue", "aria-labelledby": "queue-h" },
      h("h1", { id: "queue-h", tabindex: "-1" }, t("queue.title")),
      filters, table, pager,
      h("p", { class: "hint" }, t("queue.hint")));
  }

  function scoreBadge(score) {
    const band = score >= 0.8 ? "high" : score >= 0.5 ? "mid" : "low";
    return h("span", { class: "score score-" + band }, pct(score));
  }

  function focusQueueRow(focus = true) {
    const rows = $$("#queue-table tbody tr");
    rows.forEach((tr, i) => {
      tr.classList.toggle("selected", i === queue.sel);
      if (i === queue.sel) tr.setAttribute("aria-current", "true");
      else tr.removeAttribute("aria-current");
    });
    const link = rows[queue.sel] && $("a", rows[queue.sel]);
    if (link && focus) link.focus();
  }

  // ---------------------------------------------------------------- review

  async function loadReview(id) {
    if (!UUID_RE.test(id)) throw new Problem(404, { detail: t("err.not_found") });
    const { data, etag } = await api("GET", "/v1/reviews/" + encodeURIComponent(id), { purpose: PURPOSE.review });
    data.candidate_details = (data.candidate_details || []).slice().sort((a, b) => b.score - a.score);
    if (!queue.loaded) loadQueue().catch(() => {}); // for j / k; the review itself does not need it
    const prev = view.name === "review" && view.data && view.data.review.id === id ? view.data : null;
    return { review: data, etag, cand: prev ? Math.min(prev.cand, Math.max(0, data.candidate_details.length - 1)) : 0, reason: prev ? prev.reason : "", busy: false };
  }

  function drawReview(st) {
    const r = st.review;
    const cands = r.candidate_details;
    const cand = cands[st.cand];
    const n = st.cand + 1;
    const open = r.status === "open";

    const head = h("div", { class: "review-head" },
      h("h1", { id: "review-h", tabindex: "-1" }, t("review.title", { record: recordName(r.record) })),
      h("p", { class: "meta" },
        h("span", { class: "status status-" + r.status }, t("review.status") + ": " + t("review.status." + r.status)), " · ",
        t("review.meta", { score: pct(r.score), when: when(r.created_at), version: r.version }), " · ",
        t("review.reason") + ": ", h("span", { class: "muted" }, r.reason || "—")));

    const picker = cands.length
      ? h("fieldset", { class: "cands", id: "candidates" },
        h("legend", {}, t("review.candidates")),
        cands.map((c, i) => {
          const name = (c.golden.full_name && c.golden.full_name.value) || shortID(c.citizen_id);
          const input = h("input", { type: "radio", name: "cand", id: "cand-" + i, value: c.citizen_id, checked: i === st.cand });
          input.addEventListener("change", () => selectCandidate(i));
          return h("label", { for: "cand-" + i, class: "cand" + (i === st.cand ? " chosen" : "") }, input,
            h("kbd", { "aria-hidden": "true" }, String(i + 1)), " ", h("span", { class: "cand-name" }, name), " ", scoreBadge(c.score));
        }))
      : h("p", { class: "notice", id: "no-candidates" }, t("review.no_candidates"));

    const left = h("div", { class: "col-main" }, picker,
      cand ? comparison(r, cand, n) : null,
      h("div", { class: "context" },
        h("p", {}, t("review.current") + ": ", citizenLink(r.current.citizen_id, shortID(r.current.citizen_id))),
        cand ? h("p", {}, t("review.candidate_records", { n }) + ": ",
          (cand.records || []).map((rec, i) => [i ? ", " : "", recordName(rec)]), " · ",
          h("a", { href: "#/citizen/" + cand.citizen_id, class: "citizen-link" }, t("review.open_citizen"))) : null,
        r.review_record.issues && r.review_record.issues.length
          ? h("p", {}, t("review.issues") + ": ", r.review_record.issues.map((x, i) => [i ? "; " : "", fieldLabel(x.field), " — ", x.message]))
          : null));

    const reason = h("textarea", { id: "decision-reason", rows: "2", maxlength: "500", disabled: !open }, st.reason);
    reason.addEventListener("input", () => { st.reason = reason.value; });
    const decision = h("section", { class: "panel decision", id: "decision", "aria-labelledby": "decision-h" },
      h("h2", { id: "decision-h" }, t("review.decision")),
      open ? null : h("p", { class: "notice" }, t("review.decided", { status: t("review.status." + r.status) })),
      h("div", { class: "field" }, h("label", { for: "decision-reason" }, t("review.decision_reason")), reason),
      h("div", { class: "buttons" },
        h("button", { type: "button", id: "btn-merge", class: "primary", "aria-keyshortcuts": "m", disabled: !open || !cand || st.busy, onclick: () => decide("merge") },
          t("review.merge", { n }), " ", h("kbd", {}, "m")),
        h("button", { type: "button", id: "btn-distinct", class: "danger", "aria-keyshortcuts": "d", disabled: !open || st.busy, onclick: () => decide("distinct") },
          t("review.distinct"), " ", h("kbd", {}, "d"))),
      h("p", { class: "hint", id: "review-hint" }, t("review.hint")));

    const right = h("div", { class: "col-side" }, decision, cand ? explanation(cand) : null);
    return h("section", { class: "view view-review", "aria-labelledby": "review-h", "data-review": r.id },
      head, h("div", { class: "review-layout" }, left, right));
  }

  function comparison(r, cand, n) {
    const rec = r.review_record.fields || {};
    const rows = [];
    for (const f of FIELDS) {
      const a = rec[f] || "";
      const g = cand.golden[f];
      const b = (g && g.value) || "";
      if (!a && !b) continue;
      const state = !a ? "only_candidate" : !b ? "only_record" : norm(f, a) === norm(f, b) ? "same" : "diff";
      const mark = state === "same" ? t("review.same") : state === "diff" ? t("review.diff") : t("review." + state);
      rows.push(h("tr", { class: "cmp-" + state, "data-field": f, "data-state": state },
        h("th", { scope: "row" }, fieldLabel(f)),
        h("td", { class: "val val-record" + (state === "diff" ? " diff" : "") }, a || h("span", { class: "absent" }, "—")),
        h("td", { class: "val val-candidate" + (state === "diff" ? " diff" : "") }, b || h("span", { class: "absent" }, "—"),
          g && g.source ? h("span", { class: "prov" }, g.source) : null),
        h("td", { class: "mark" }, h("span", { class: "mark-" + state }, mark))));
    }
    return h("section", { class: "panel compare", "aria-labelledby": "compare-h" },
      h("h2", { id: "compare-h" }, t("review.compare")),
      h("table", { id: "comparison", class: "grid compare-table" },
        h("caption", { class: "sr-only" }, t("review.compare_caption", { n })),
        h("thead", {}, h("tr", {},
          h("th", { scope: "col" }, t("review.col.field")),
          h("th", { scope: "col" }, t("review.col.record"), h("br"), h("span", { class: "prov" }, recordName(r.record))),
          h("th", { scope: "col" }, t("review.col.candidate", { n }), h("br"), h("span", { class: "prov" }, shortID(cand.citizen_id))),
          h("th", { scope: "col" }, t("review.col.match")))),
        h("tbody", {}, rows)));
  }

  // explanation draws the match weights as a diverging bar chart: each field's log2(m/u) to the
  // right (evidence for "same person") or to the left (against), scaled to the largest.
  function explanation(cand) {
    const ex = cand.explanation || { probability: cand.score, weight: 0, fields: [] };
    const max = Math.max(1, ...ex.fields.map((f) => Math.abs(f.weight)));
    const items = ex.fields.map((f) => {
      const w = f.weight || 0;
      const width = (Math.abs(w) / max) * 100;
      const neg = h("span", { class: "bar bar-neg" });
      const pos = h("span", { class: "bar bar-pos" });
      // CSSOM, not a style attribute: the Content-Security-Policy allows no inline styles.
      (w < 0 ? neg : pos).style.width = width.toFixed(1) + "%";
      return h("li", { class: "bar-row" + (w > 0 ? " for" : w < 0 ? " against" : " neutral"), "data-field": f.field, "data-weight": String(w) },
        h("span", { class: "bar-label" }, fieldLabel(f.field)),
        h("span", { class: "bar-track", "aria-hidden": "true" }, h("span", { class: "half half-neg" }, neg), h("span", { class: "half half-pos" }, pos)),
        h("span", { class: "bar-value" }, signed(w), " ", h("span", { class: "muted" }, levelLabel(f.level))));
    });
    return h("section", { class: "panel explain", id: "explanation", "aria-labelledby": "explain-h" },
      h("h2", { id: "explain-h" }, t("review.explain")),
      h("p", { class: "explain-summary" }, t("review.explain_summary", { p: pct(ex.probability), w: signed(ex.weight) })),
      h("p", { class: "hint" }, t("review.explain_caption")),
      h("ul", { id: "bars", class: "bars" }, items));
  }

  function selectCandidate(i) {
    if (view.name !== "review") return;
    const st = view.data;
    if (i < 0 || i >= st.review.candidate_details.length || i === st.cand) return;
    st.cand = i;
    redraw();
    const radio = $("#cand-" + i);
    if (radio) radio.focus();
  }

  async function decide(action) {
    if (view.name !== "review") return;
    const st = view.data;
    const r = st.review;
    const cand = r.candidate_details[st.cand];
    if (st.busy || r.status !== "open" || (action === "merge" && !cand)) return;
    st.busy = true;
    for (const b of $$("#decision button")) b.disabled = true;
    const body = { action };
    if (action === "merge") body.citizen_id = cand.citizen_id;
    const reason = ($("#decision-reason") || {}).value;
    if (reason && reason.trim()) body.reason = reason.trim();
    try {
      const { data } = await api("POST", "/v1/reviews/" + encodeURIComponent(r.id) + "/decision",
        { body, headers: { "If-Match": st.etag || `"${r.version}"` } });
      const idx = queue.reviews.findIndex((x) => x.id === r.id);
      if (idx >= 0) queue.reviews.splice(idx, 1);
      pending = [t(action === "merge" ? "review.merged_ok" : "review.distinct_ok", { record: recordName(r.record), citizen: shortID(data.citizen_id) }),
        " ", h("a", { href: "#/citizen/" + data.citizen_id, class: "citizen-link", id: "decided-citizen" }, t("review.open_citizen"))];
      const next = idx >= 0 ? queue.reviews[idx] : null;
      location.hash = next ? "#/review/" + next.id : "#/queue";
    } catch (e) {
      st.busy = false;
      if (e.status === 409) {
        await route();
        showProblem(e, t("review.conflict"));
      } else {
        redraw();
        showProblem(e);
      }
    }
  }

  function stepReview(delta) {
    const st = view.data;
    const idx = queue.reviews.findIndex((x) => x.id === st.review.id);
    const next = idx >= 0 ? queue.reviews[idx + delta] : queue.reviews[0];
    if (!next) { say(t(delta > 0 ? "review.next_none" : "review.prev_none")); return; }
    queue.sel = queue.reviews.indexOf(next);
    location.hash = "#/review/" + next.id;
  }

  // ---------------------------------------------------------------- citizen

  async function loadCitizen(id) {
    if (!UUID_RE.test(id)) throw new Problem(404, { detail: t("search.bad_id") });
    const { data: cit } = await api("GET", "/v1/citizens/" + encodeURIComponent(id), { purpose: PURPOSE.citizen });
    const { data: hist } = await api("GET", "/v1/citizens/" + encodeURIComponent(cit.citizen_id) + "/history", { purpose: PURPOSE.citizen });
    return { citizen: cit, events: (hist && hist.events) || [] };
  }

  // mergesInForce lists the merges into this citizen that no unmerge has undone, from its history.
  function mergesInForce(id, events) {
    const m = new Map();
    for (const e of events) {
      const d = e.data || {};
      if (e.kind === "citizens.merged" && d.survivor === id) m.set(d.merge_id, e);
      if (e.kind === "citizens.unmerged") m.delete(d.merge_id);
    }
    return Array.from(m.values());
  }

  function drawCitizen(st) {
    const c = st.citizen;
    const id = c.citizen_id;
    const golden = FIELDS.filter((f) => c.golden && c.golden[f]);
    const merges = mergesInForce(id, st.events);

    const reasonField = h("div", { class: "field" },
      h("label", { for: "citizen-reason" }, t("citizen.reason")),
      h("input", { id: "citizen-reason", type: "text", maxlength: "500", value: st.reason || "" }));
    reasonField.querySelector("input").addEventListener("input", (e) => { st.reason = e.target.value; });
    const reason = () => (st.reason || "").trim() || undefined;

    const unmergeButton = (retired) => h("button", {
      type: "button", class: "danger", "data-unmerge": retired, "aria-label": t("citizen.unmerge_label", { id: retired }),
      onclick: () => citizenAction(() => api("POST", "/v1/citizens/" + retired + "/unmerge", { body: { reason: reason() } }),
        () => [t("citizen.unmerged_ok", { id: shortID(retired) }), " ", citizenLink(retired, shortID(retired))]),
    }, t("citizen.unmerge"));

    const head = h("div", { class: "citizen-head" },
      h("h1", { id: "citizen-h", tabindex: "-1" }, t("citizen.title", { id: "" }), h("code", { id: "citizen-id" }, id)),
      c.retired ? h("p", { class: "notice", id: "retired-notice" }, t("citizen.retired", { requested: c.requested_id }), " ", unmergeButton(c.requested_id)) : null);

    const goldenTable = h("section", { class: "panel", "aria-labelledby": "golden-h" },
      h("h2", { id: "golden-h" }, t("citizen.golden")),
      h("table", { id: "golden", class: "grid" },
        h("caption", { class: "sr-only" }, t("citizen.golden_caption")),
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("citizen.col.field")), h("th", { scope: "col" }, t("citizen.col.value")), h("th", { scope: "col" }, t("citizen.col.source")))),
        h("tbody", {}, golden.map((f) => {
          const g = c.golden[f];
          return h("tr", { "data-field": f }, h("th", { scope: "row" }, fieldLabel(f)), h("td", {}, g.value),
            h("td", {}, h("span", { class: "prov" }, g.source + (g.local_id ? " / " + g.local_id : ""), " · ", g.rule)));
        }))));

    const records = h("section", { class: "panel", "aria-labelledby": "records-h" },
      h("h2", { id: "records-h" }, t("citizen.records")),
      h("table", { id: "records", class: "grid" },
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("citizen.col.source_code")), h("th", { scope: "col" }, t("citizen.col.local_id")), h("th", { scope: "col" }, t("citizen.col.action")))),
        h("tbody", {}, (c.records || []).map((r) => h("tr", {},
          h("td", {}, r.source), h("td", {}, r.local_id),
          h("td", {}, h("button", {
            type: "button", class: "small", "data-unlink": r.source + "/" + r.local_id, "aria-label": t("citizen.unlink_label", { record: recordName(r) }),
            onclick: () => citizenAction(() => api("POST", `/v1/sources/${encodeURIComponent(r.source)}/records/${encodeURIComponent(r.local_id)}/link`, { body: { reason: reason() } }),
              (res) => [t("citizen.linked_ok", { record: recordName(r), citizen: shortID(res.data.citizen_id) }), " ", citizenLink(res.data.citizen_id, shortID(res.data.citizen_id))]),
          }, t("citizen.unlink"))))))));

    const linkForm = h("form", { id: "link-form", class: "subform", "aria-labelledby": "link-h" },
      h("h3", { id: "link-h" }, t("citizen.link_title")),
      h("div", { class: "row" },
        h("div", { class: "field" }, h("label", { for: "link-source" }, t("citizen.link_source")), h("input", { id: "link-source", required: true, size: "10", pattern: "[a-z][a-z0-9_-]{1,31}" })),
        h("div", { class: "field" }, h("label", { for: "link-local" }, t("citizen.link_local_id")), h("input", { id: "link-local", required: true, size: "14", maxlength: "128" })),
        h("button", { type: "submit" }, t("citizen.link"))));
    linkForm.addEventListener("submit", (e) => {
      e.preventDefault();
      const src = $("#link-source").value.trim(), local = $("#link-local").value.trim();
      if (!src || !local) return;
      citizenAction(() => api("POST", `/v1/sources/${encodeURIComponent(src)}/records/${encodeURIComponent(local)}/link`, { body: { citizen_id: id, reason: reason() } }),
        (res) => [t("citizen.linked_ok", { record: src + " / " + local, citizen: shortID(res.data.citizen_id) })]);
    });

    const mergeForm = h("form", { id: "merge-form", class: "subform", "aria-labelledby": "merge-h" },
      h("h3", { id: "merge-h" }, t("citizen.merge_title")),
      h("div", { class: "row" },
        h("div", { class: "field" }, h("label", { for: "merge-survivor" }, t("citizen.merge_survivor")), h("input", { id: "merge-survivor", required: true, size: "38", spellcheck: "false" })),
        h("button", { type: "submit" }, t("citizen.merge"))));
    mergeForm.addEventListener("submit", (e) => {
      e.preventDefault();
      const survivor = $("#merge-survivor").value.trim();
      if (!UUID_RE.test(survivor)) { showProblem(new Problem(422, { detail: t("search.bad_id") })); return; }
      citizenAction(() => api("POST", "/v1/citizens/" + id + "/merge", { body: { survivor_id: survivor, reason: reason() } }),
        (res) => [t("citizen.merged_ok", { retired: shortID(res.data.retired_id), survivor: shortID(res.data.survivor_id) })],
        "#/citizen/" + survivor);
    });

    const actions = h("section", { class: "panel", id: "citizen-actions", "aria-labelledby": "actions-h" },
      h("h2", { id: "actions-h" }, t("citizen.actions")),
      reasonField,
      h("h3", {}, t("citizen.merged_here")),
      merges.length
        ? h("ul", { id: "merges", class: "plain" }, merges.map((e) => h("li", {}, citizenLink(e.data.retired, shortID(e.data.retired)), " · ", when(e.created_at), " ", unmergeButton(e.data.retired))))
        : h("p", { class: "muted" }, t("citizen.merged_none")),
      linkForm, mergeForm);

    const history = h("section", { class: "panel", "aria-labelledby": "history-h" },
      h("h2", { id: "history-h" }, t("citizen.history")),
      h("table", { id: "history", class: "grid" },
        h("caption", { class: "sr-only" }, t("citizen.history_caption")),
        h("thead", {}, h("tr", {},
          h("th", { scope: "col" }, t("citizen.col.when")), h("th", { scope: "col" }, t("citizen.col.event")),
          h("th", { scope: "col" }, t("citizen.col.details")), h("th", { scope: "col" }, t("citizen.col.actor")))),
        h("tbody", {}, st.events.slice().reverse().map((e) => h("tr", { "data-kind": e.kind },
          h("td", { class: "nowrap" }, when(e.created_at)),
          h("td", {}, eventLabel(e.kind)),
          h("td", {}, eventDetails(e)),
          h("td", { class: "muted" }, e.actor || ""))))));

    return h("section", { class: "view view-citizen", "aria-labelledby": "citizen-h", "data-citizen": id },
      head,
      h("div", { class: "citizen-layout" }, h("div", { class: "col-main" }, goldenTable, records), h("div", { class: "col-side" }, actions)),
      history);
  }

  function eventDetails(e) {
    const d = e.data || {};
    const out = [];
    const add = (...x) => { if (out.length) out.push(" · "); out.push(...x); };
    if (d.source && d.local_id) add(d.source + " / " + d.local_id);
    if (d.retired && d.survivor) add(citizenLink(d.retired, shortID(d.retired)), " → ", citizenLink(d.survivor, shortID(d.survivor)));
    if (d.other) add("≠ ", citizenLink(d.other, shortID(d.other)));
    if (d.action) add(t("review.status." + (d.action === "merge" ? "merged" : "distinct")));
    if (typeof d.score === "number" && d.score > 0) add(pct(d.score));
    if (d.kind) add(String(d.kind));
    if (Array.isArray(d.fields)) add(d.fields.map(fieldLabel).join(", "));
    if (Array.isArray(d.candidates)) add(t("review.candidates") + ": " + d.candidates.length);
    return out;
  }

  async function citizenAction(call, message, then) {
    $("#problem").replaceChildren();
    const buttons = $$("#main button");
    buttons.forEach((b) => { b.disabled = true; });
    try {
      const res = await call();
      pending = message(res);
      if (then && location.hash !== then) location.hash = then;
      else route();
    } catch (e) {
      buttons.forEach((b) => { b.disabled = false; });
      showProblem(e);
    }
  }

  // ---------------------------------------------------------------- search

  function drawSearch(st) {
    const f = st.form;
    const openForm = h("form", { id: "open-form", class: "panel", "aria-labelledby": "open-h" },
      h("h2", { id: "open-h" }, t("search.open_title")),
      h("div", { class: "row" },
        h("div", { class: "field" }, h("label", { for: "open-id" }, t("search.citizen_id")),
          h("input", { id: "open-id", size: "38", spellcheck: "false", value: f.id || "" })),
        h("button", { type: "submit" }, t("search.open"))));
    openForm.addEventListener("submit", (e) => {
      e.preventDefault();
      const id = $("#open-id").value.trim();
      f.id = id;
      if (!UUID_RE.test(id)) { showProblem(new Problem(422, { detail: t("search.bad_id") })); return; }
      location.hash = "#/citizen/" + id;
    });

    const input = (id, key, attrs) => h("input", Object.assign({ id, value: f[key] || "" }, attrs || {}));
    const matchForm = h("form", { id: "search-form", class: "panel", role: "search", "aria-labelledby": "match-h" },
      h("h2", { id: "match-h" }, t("search.match_title")),
      h("div", { class: "row" },
        h("div", { class: "field" }, h("label", { for: "search-nik" }, t("search.nik")), input("search-nik", "nik", { inputmode: "numeric", size: "18", maxlength: "32" })),
        h("div", { class: "field" }, h("label", { for: "search-name" }, t("search.full_name")), input("search-name", "full_name", { size: "26", maxlength: "200" })),
        h("div", { class: "field" }, h("label", { for: "search-birth" }, t("search.birth_date")), input("search-birth", "birth_date", { type: "date" })),
        h("button", { type: "submit", class: "primary", id: "search-submit" }, t("search.submit"))));
    matchForm.addEventListener("submit", async (e) => {
      e.preventDefault();
      Object.assign(f, { nik: $("#search-nik").value.trim(), full_name: $("#search-name").value.trim(), birth_date: $("#search-birth").value });
      if (!f.nik && !(f.full_name && f.birth_date)) { showProblem(new Problem(422, { detail: t("search.need") })); return; }
      const body = {};
      if (f.nik) body.nik = f.nik;
      if (f.full_name) body.full_name = f.full_name;
      if (f.birth_date) body.birth_date = f.birth_date;
      $("#problem").replaceChildren();
      try {
        const { data } = await api("POST", "/v1/match", { body, purpose: PURPOSE.search });
        const cands = data.candidates || [];
        // The golden record of each candidate, so that the steward sees who it is.
        const people = await Promise.all(cands.map((c) =>
          api("GET", "/v1/citizens/" + c.citizen_id, { purpose: PURPOSE.search }).then((r) => r.data, () => null)));
        st.results = cands.map((c, i) => ({ ...c, person: people[i] }));
        if (view.name === "search") { redraw(); const r = $("#search-results h2"); if (r) r.focus(); }
      } catch (err) {
        showProblem(err);
      }
    });

    let results = null;
    if (st.results) {
      results = h("section", { class: "panel", id: "search-results", "aria-labelledby": "results-h" },
        h("h2", { id: "results-h", tabindex: "-1" }, t("search.results")),
        st.results.length
          ? h("table", { class: "grid" },
            h("thead", {}, h("tr", {},
              h("th", { scope: "col" }, t("search.col.citizen")), h("th", { scope: "col" }, t("search.col.name")),
              h("th", { scope: "col" }, t("search.col.birth_date")), h("th", { scope: "col", class: "num" }, t("search.col.score")))),
            h("tbody", {}, st.results.map((c) => {
              const g = (c.person && c.person.golden) || {};
              return h("tr", {}, h("td", {}, citizenLink(c.citizen_id, shortID(c.citizen_id))),
                h("td", {}, (g.full_name && g.full_name.value) || "—"), h("td", {}, (g.birth_date && g.birth_date.value) || "—"),
                h("td", { class: "num" }, scoreBadge(c.score)));
            })))
          : h("p", { class: "empty" }, t("search.none")));
    }
    return h("section", { class: "view view-search", "aria-labelledby": "search-h" },
      h("h1", { id: "search-h", tabindex: "-1" }, t("search.title")),
      h("div", { class: "search-layout" }, matchForm, openForm), results);
  }

  // ---------------------------------------------------------------- keyboard

  function openHelp() {
    const d = $("#help");
    if (!d.open) d.showModal();
    $("#help-close").focus();
  }

  document.addEventListener("keydown", (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey || e.isComposing || e.defaultPrevented) return;
    if ($("#help").open) return; // the dialog closes itself on Escape
    const target = e.target instanceof Element ? e.target : null;
    // Typing in a field is not a command; a focused radio button (the candidate) or button is.
    if (target && target.closest("input:not([type=radio]):not([type=checkbox]), textarea, select, [contenteditable]")) {
      if (e.key === "Escape") target.blur();
      return;
    }
    if (!session.key) return;
    const k = e.key;
    if (k === "?") { e.preventDefault(); openHelp(); return; }
    if (k === "/") { e.preventDefault(); location.hash = "#/search"; return; }
    if (k === "q" && view.name !== "queue") { e.preventDefault(); location.hash = "#/queue"; return; }
    if (view.name === "queue" && queue.reviews.length) {
      if (k === "j" || k === "ArrowDown" && !target?.closest("button")) {
        e.preventDefault(); queue.sel = Math.min(queue.sel + 1, queue.reviews.length - 1); focusQueueRow();
      } else if (k === "k" || k === "ArrowUp" && !target?.closest("button")) {
        e.preventDefault(); queue.sel = Math.max(queue.sel - 1, 0); focusQueueRow();
      } else if (k === "Enter" && !(target && target.closest("a, button"))) {
        e.preventDefault(); location.hash = "#/review/" + queue.reviews[queue.sel].id;
      }
      return;
    }
    if (view.name === "review" && view.data) {
      if (k === "m") { e.preventDefault(); decide("merge"); }
      else if (k === "d") { e.preventDefault(); decide("distinct"); }
      else if (k === "j") { e.preventDefault(); stepReview(1); }
      else if (k === "k") { e.preventDefault(); stepReview(-1); }
      else if (/^[1-9]$/.test(k)) { e.preventDefault(); selectCandidate(Number(k) - 1); }
    }
  });

  // ---------------------------------------------------------------- start

  $("#lang-id").addEventListener("click", () => setLang("id"));
  $("#lang-en").addEventListener("click", () => setLang("en"));
  $("#help-open").addEventListener("click", openHelp);
  $("#logout").addEventListener("click", () => { signOut(); location.hash = ""; });
  $("#skip").addEventListener("click", (e) => { e.preventDefault(); $("#main").focus(); });
  window.addEventListener("hashchange", route);
  applyStatic();
  route();
})();
