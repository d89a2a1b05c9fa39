// grove's dashboard: the runs of every repository, a run live, its session tree, an entry with its
// diff and its context, a lane's whole change and two lanes side by side; and the sessions of grove,
// pi, Claude Code and Codex found on this machine, each opened read-only in the same tree view.
// Talks to the JSON API of docs/api.md; the token travels in an HttpOnly cookie that this script never sees. Everything a session says is set
// as text (textContent), never as HTML; diffs go through diff2html, which escapes them.
import { Tree, laneColor } from "./tree.js";

const main = document.getElementById("main");
const crumbs = document.getElementById("crumbs");
const conn = document.getElementById("conn");
let cleanup = [];

// ------------------------------------------------------------------ helpers

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) e.append(c);
  return e;
}

/** Replaces an element's children, skipping the null and false of optional parts. */
function fill(parent, ...children) {
  parent.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
}

async function api(path, options = {}) {
  const init = { credentials: "same-origin", headers: {} };
  if (options.body !== undefined) {
    init.method = "POST";
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(options.body);
  }
  const res = await fetch("/api" + path, init);
  const data = await res.json().catch(() => ({ error: res.statusText }));
  if (!res.ok) throw new Error(data.error || res.statusText);
  return data;
}

function toast(text, error) {
  const t = document.getElementById("toast");
  t.textContent = text;
  t.className = "show" + (error ? " error" : "");
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => (t.className = ""), error ? 6000 : 3000);
}

async function act(button, work, done) {
  button.disabled = true;
  try {
    const r = await work();
    if (done) toast(done(r));
    return r;
  } catch (e) {
    toast(e.message, true);
  } finally {
    button.disabled = false;
  }
}

function live(path, event, onData) {
  const src = new EventSource("/api" + path);
  src.addEventListener(event, (e) => onData(JSON.parse(e.data)));
  src.onopen = () => conn.classList.add("on");
  src.onerror = () => conn.classList.remove("on");
  cleanup.push(() => src.close());
}

const money = (d) => "$" + (d || 0).toFixed(4);
const tokens = (n) => (n < 1000 ? String(n) : n < 1e6 ? (n / 1e3).toFixed(1) + "k" : (n / 1e6).toFixed(1) + "M");
const base = (p) => (p || "").split("/").filter(Boolean).pop() || p;
function elapsed(s) {
  s = Math.floor(s);
  return s < 60 ? s + "s" : Math.floor(s / 60) + "m" + String(s % 60).padStart(2, "0") + "s";
}
const pill = (state) => el("span", { class: "pill " + state, text: state });
const when = (iso) => (iso ? new Date(iso).toLocaleString() : "");

function setCrumbs(...parts) {
  crumbs.replaceChildren();
  parts.forEach((p, i) => {
    if (i) crumbs.append(el("span", { class: "sep", text: "›" }));
    crumbs.append(p.href ? el("a", { href: p.href, text: p.text }) : el("span", { text: p.text }));
  });
}

function diffView(patch, format) {
  const box = el("div", { class: "diffbox" });
  if (!patch) {
    box.append(el("div", { class: "empty", text: "No changes." }));
    return box;
  }
  const ui = new Diff2HtmlUI(box, patch, {
    drawFileList: true,
    fileListToggle: false,
    matching: "lines",
    outputFormat: format === "unified" ? "line-by-line" : "side-by-side",
    highlight: true,
    synchronisedScroll: true,
  });
  ui.draw();
  ui.highlightCode();
  return box;
}

function changeSection(title, change, id, narrow) {
  let format = narrow ? "unified" : "side-by-side";
  const holder = el("div", { id });
  const draw = () => holder.replaceChildren(diffView(change.patch, format));
  const toggle = el("select", { "aria-label": "Diff layout", onchange: (e) => { format = e.target.value; draw(); } },
    el("option", { value: "side-by-side", text: "side by side", selected: format === "side-by-side" }),
    el("option", { value: "unified", text: "unified", selected: format === "unified" }));
  draw();
  return el("div", { class: "section" },
    el("div", { class: "row" }, el("h3", { text: title }), el("span", { class: "muted", text: change.detail || "" }),
      change.cut ? el("span", { class: "pill failed", text: "cut" }) : null, el("span", { class: "spacer" }), toggle),
    holder);
}

// ------------------------------------------------------------------ the runs

function showRuns() {
  setCrumbs(); // the tab says where you are
  main.className = "";
  main.replaceChildren(el("p", { class: "muted", text: "Loading runs…" }));
  live("/events", "runs", (data) => {
    const queue = el("div", { class: "queue", id: "queue" },
      data.queue.length ? data.queue.map((q) => el("div", { class: "item " + q.kind },
        el("span", { class: "pill " + (q.kind === "interrupted" || q.kind === "stopped" ? "stopped" : "failed"), text: q.kind }),
        el("a", { href: `#/run/${q.run}`, class: "mono", text: q.run }),
        q.lane ? el("strong", { text: q.lane }) : null,
        el("span", { class: "detail", text: q.detail || "" }),
        el("span", { class: "muted", text: base(q.repo) })))
        : el("p", { class: "muted", text: "Nothing needs you right now." }));
    const rows = data.runs.map((r) => el("tr", { "data-run": r.run },
      el("td", {}, el("a", { href: `#/run/${r.run}`, class: "mono", text: r.run })),
      el("td", { title: r.repo, text: base(r.repo) }),
      el("td", {}, pill(r.state)),
      el("td", {}, el("span", { class: "dots" }, (r.lanes || []).map((l) => el("span", { class: "dot " + l.state, title: `${l.lane}: ${l.state}` }))),
        el("span", { class: "muted", text: r.lanes ? "  " + r.lanes.length : "" })),
      el("td", { class: "num", text: tokens((r.inputTokens || 0) + (r.outputTokens || 0)) }),
      el("td", { class: "num", text: money(r.cost) }),
      el("td", { class: "muted", text: when(r.started) })));
    const missing = data.repositories.filter((k) => k.missing);
    fill(main,
      el("h1", { text: "Runs" }),
      el("p", { class: "muted", text: `${data.runs.length} runs in ${data.repositories.length - missing.length} repositories, newest first.` }),
      el("h2", { text: "Needs you" }), queue,
      el("h2", { text: "All runs" }),
      el("div", { class: "tablecard" }, el("table", { id: "runs" },
        el("thead", {}, el("tr", {}, ["Run", "Repository", "State", "Lanes", "Tokens", "Cost", "Started"].map((h, i) => el("th", { class: i === 4 || i === 5 ? "num" : null, text: h })))),
        el("tbody", {}, rows.length ? rows : el("tr", {}, el("td", { colspan: "7", class: "empty", text: "No runs yet: start one with grove run." }))))),
      missing.length ? el("p", { class: "muted", text: "Moved or deleted: " + missing.map((k) => k.repo).join(", ") }) : null);
  });
}

// ------------------------------------------------------------------ a run, live

function showRun(runId) {
  setCrumbs({ text: "Runs", href: "#/" }, { text: runId });
  main.className = "";
  main.replaceChildren(el("p", { class: "muted", text: "Loading the run…" }));
  let run = null;
  const sayOpen = new Set();
  const picked = new Set();
  const tick = setInterval(() => run && updateElapsed(run), 1000);
  cleanup.push(() => clearInterval(tick));

  function laneSeconds(l, now) {
    let s = 0;
    for (const sp of l.spans) s += ((sp.end ? Date.parse(sp.end) : now) - Date.parse(sp.start)) / 1000;
    return Math.max(0, s);
  }
  function updateElapsed(r) {
    const now = r.state === "live" ? Date.now() : Date.parse(r.now);
    for (const l of r.lanes) {
      const cell = main.querySelector(`[data-elapsed="${CSS.escape(l.lane)}"]`);
      if (cell) cell.textContent = elapsed(laneSeconds(l, now));
    }
  }

  function actions(l) {
    const box = el("div", { class: "lane-actions" });
    box.append(el("a", { class: "button", href: `#/run/${runId}/lane/${encodeURIComponent(l.lane)}`, text: "Change" }));
    if (l.state === "running") {
      box.append(el("button", { class: "danger", "data-action": "stop", onclick: (e) => act(e.target,
        () => api(`/runs/${runId}/lanes/${encodeURIComponent(l.lane)}/stop`, { body: {} }), (r) => r.detail) }, "Stop"));
    }
    if (l.state === "running" || l.state === "stopped") {
      box.append(el("button", { "data-action": "say", onclick: () => {
        sayOpen.has(l.lane) ? sayOpen.delete(l.lane) : sayOpen.add(l.lane);
        render();
      } }, "Message"));
    }
    if (l.state === "finished") {
      box.append(el("button", { class: "primary", "data-action": "pr", onclick: (e) => act(e.target,
        () => api(`/runs/${runId}/lanes/${encodeURIComponent(l.lane)}/pull-request`, { body: {} }),
        (r) => r.pullRequest ? "Pull request: " + r.pullRequest : r.detail) }, "Open pull request"));
    }
    if (l.state === "shipped") {
      box.append(el("button", { "data-action": "merge", onclick: async (e) => {
        const check = await act(e.target, () => api(`/runs/${runId}/lanes/${encodeURIComponent(l.lane)}/merge-check`));
        if (!check) return;
        if (check.conflicts.length) {
          toast(`${check.conflicts.length} conflicting file(s): ${check.conflicts.join(", ")}`, true);
        } else if (confirm(`${check.branch} merges cleanly into ${check.into}. Merge it now?`)) {
          act(e.target, () => api(`/runs/${runId}/lanes/${encodeURIComponent(l.lane)}/merge`, { body: {} }),
            (r) => r.merged ? `Merged into ${r.into}` : `Not merged: ${r.conflicts.join(", ")}`);
        }
      } }, "Merge…"));
    }
    return box;
  }

  function sayRow(l) {
    const input = el("input", { type: "text", placeholder: `A message for ${l.lane}…`, "aria-label": `Message for ${l.lane}` });
    const send = el("button", { class: "primary", onclick: (e) => {
      if (!input.value.trim()) return;
      act(e.target, () => api(`/runs/${runId}/lanes/${encodeURIComponent(l.lane)}/say`, { body: { text: input.value } }),
        (r) => { input.value = ""; sayOpen.delete(l.lane); render(); return "Sent: " + r.detail; });
    } }, "Send");
    input.addEventListener("keydown", (e) => e.key === "Enter" && send.click());
    setTimeout(() => input.focus(), 0);
    return el("tr", { class: "sayrow" }, el("td", { colspan: "11" }, el("div", { class: "say" }, input, send)));
  }

  function timeline(r) {
    const now = r.state === "live" ? Date.now() : Date.parse(r.now);
    let start = Date.parse(r.started), end = start + 1000;
    for (const l of r.lanes) for (const s of l.spans) {
      start = Math.min(start, Date.parse(s.start));
      end = Math.max(end, s.end ? Date.parse(s.end) : now);
    }
    const span = Math.max(1, end - start);
    const maxCost = Math.max(1e-9, ...r.lanes.map((l) => l.cost));
    return el("div", { class: "grid2" },
      el("div", { class: "card" }, el("h2", { text: "When each lane ran", style: null }),
        el("div", { class: "timeline", id: "timeline" }, r.lanes.map((l, i) => el("div", { class: "tl-row" },
          el("span", {}, swatch(i), l.lane),
          el("div", { class: "tl-track" }, l.spans.map((s) => {
            const a = Date.parse(s.start), b = s.end ? Date.parse(s.end) : now;
            const bar = el("div", { class: "tl-bar" + (s.end ? "" : " open"), title: `${s.how || "running"}: ${elapsed((b - a) / 1000)}` });
            bar.style.left = ((a - start) / span) * 100 + "%";
            bar.style.width = Math.max(0.4, ((b - a) / span) * 100) + "%";
            bar.style.background = laneColor(i);
            return bar;
          })),
          el("span", { class: "muted num", "data-elapsed": l.lane, text: elapsed(laneSeconds(l, now)) }))))),
      el("div", { class: "card" }, el("h2", { text: "Cost by lane" }),
        el("div", { id: "costs" }, r.lanes.map((l, i) => {
          const bar = el("div", { class: "cost-bar" });
          bar.style.width = (l.cost / maxCost) * 100 + "%";
          bar.style.background = laneColor(i);
          return el("div", { class: "tl-row" }, el("span", {}, swatch(i), l.lane), el("div", { class: "cost-track" }, bar),
            el("span", { class: "num", text: money(l.cost) }));
        }))));
  }

  function swatch(i) {
    const s = el("span", { class: "lanecolor" });
    s.style.background = laneColor(i);
    return s;
  }

  function render() {
    const r = run;
    const compare = el("button", { id: "compare", disabled: picked.size !== 2, onclick: () => {
      const [a, b] = [...picked];
      location.hash = `#/run/${runId}/compare/${encodeURIComponent(a)}/${encodeURIComponent(b)}`;
    } }, "Compare 2 lanes");
    const body = [];
    r.lanes.forEach((l, i) => {
      const check = el("input", { type: "checkbox", "aria-label": `Pick ${l.lane} to compare`, checked: picked.has(l.lane), onchange: (e) => {
        e.target.checked ? picked.add(l.lane) : picked.delete(l.lane);
        compare.disabled = picked.size !== 2;
      } });
      body.push(el("tr", { "data-lane": l.lane, "data-state": l.state },
        el("td", {}, check),
        el("td", {}, swatch(i), el("strong", { text: l.lane }), l.forkOf ? el("div", { class: "muted", text: `fork of ${l.forkOf}` }) : null),
        el("td", {}, pill(l.state)),
        el("td", { class: "mono", text: l.branch }),
        el("td", { class: "num", text: String(l.steps) }),
        el("td", { class: "mono", text: l.lastTool || "–" }),
        el("td", { class: "num", text: tokens(l.inputTokens + l.outputTokens) }),
        el("td", { class: "num", text: money(l.cost) }),
        el("td", { class: "num", "data-elapsed": l.lane, text: "" }),
        el("td", { class: "detailcell", title: l.detail || "" },
          l.pullRequest ? el("a", { href: /^https?:/.test(l.pullRequest) ? l.pullRequest : null, text: l.pullRequest, rel: "noreferrer", target: "_blank" })
            : el("span", { text: (l.verification ? (l.verification.ok ? "✓ " : "✗ ") : "") + (l.detail || "") })),
        el("td", {}, actions(l))));
      if (sayOpen.has(l.lane)) body.push(sayRow(l));
    });
    fill(main,
      el("div", { class: "row" },
        el("div", {}, el("h1", { class: "mono", text: r.run }),
          el("div", { class: "muted", text: `${base(r.repo)} · base ${r.base} · model ${r.model || "?"} · ${r.mode || "tasks"}` })),
        el("span", { class: "spacer" }), pill(r.state),
        el("a", { class: "button", href: `#/run/${runId}/tree`, id: "open-tree" }, "Session tree"),
        compare,
        el("button", { onclick: (e) => confirm("Remove the worktrees of the lanes that have ended? Unpushed work is saved first.") &&
          act(e.target, () => api(`/runs/${runId}/clean`, { body: {} }), (x) => `${x.filter((c) => c.removed).length} worktree(s) removed`) }, "Clean")),
      el("div", { class: "kpis" },
        kpi("Lanes", String(r.lanes.length)), kpi("Tokens", tokens(r.inputTokens + r.outputTokens)),
        kpi("Cost", money(r.cost)), kpi("Started", when(r.started))),
      el("h2", { text: "Lanes" }),
      el("div", { class: "tablecard" }, el("table", { id: "lanes" },
        el("thead", {}, el("tr", {}, ["", "Lane", "State", "Branch", "Steps", "Last tool", "Tokens", "Cost", "Elapsed", "Result", ""].map((h, i) => el("th", { class: [4, 6, 7, 8].includes(i) ? "num" : null, text: h })))),
        el("tbody", {}, body))),
      el("h2", { text: "Activity" }), timeline(r));
    updateElapsed(r);
  }

  live(`/runs/${runId}/events`, "run", (data) => {
    run = data;
    if (!main.querySelector(".sayrow input:focus")) render();
  });
}

function kpi(k, v) {
  return el("div", { class: "kpi" }, el("div", { class: "v", text: v }), el("div", { class: "k", text: k }));
}

// ------------------------------------------------------------------ the session tree

// What a tree view shows: a run's session (live, with actions) or a session of the Sessions list
// (another tool's too: read-only, named by the key the server gave it, never by a path).
function runSource(runId) {
  return {
    base: `/runs/${runId}`, runId, events: `/runs/${runId}/events`, href: (id) => `#/run/${runId}/tree/${encodeURIComponent(id)}`,
    crumbs: [{ text: "Runs", href: "#/" }, { text: runId, href: `#/run/${runId}` }, { text: "Session tree" }],
  };
}

function sessionSource(key) {
  const s = shelf.get(key);
  return {
    base: `/sessions/${key}`, runId: null, events: null, session: s, href: (id) => `#/session/${key}/${encodeURIComponent(id)}`,
    crumbs: [{ text: "Sessions", href: "#/sessions" }, { text: s ? `${s.tool} · ${base(s.file)}` : key }],
  };
}

function showTree(src, focus) {
  setCrumbs(...src.crumbs);
  main.className = "wide";
  const scroller = el("div", { class: "rows", tabindex: "0", id: "rows", "aria-label": "Session tree" });
  const panel = el("div", { class: "entrypane", id: "entry" },
    src.session ? el("p", { class: "mono muted", id: "session-file", text: src.session.file }) : null,
    el("p", { class: "muted", text: "Pick an entry (↑ ↓ to move, / to search)." }));
  const search = el("input", { type: "search", id: "search", placeholder: "Search the session… (/)", "aria-label": "Search" });
  const filter = el("select", { id: "filter", "aria-label": "Show" },
    el("option", { value: "all", text: "All entries" }),
    el("option", { value: "no-tools", text: "No tool results" }),
    el("option", { value: "user", text: "User messages only" }),
    el("option", { value: "labelled", text: "Labelled only" }));
  const count = el("span", { class: "muted", id: "count" });
  const legend = el("div", { class: "legend", id: "legend" });
  main.replaceChildren(el("div", { class: "treeview" },
    el("div", { class: "treepane" }, el("div", { class: "treebar" }, filter, search, count), legend, scroller), panel));
  let selectedId = null;
  const tree = new Tree(scroller, {
    onSelect: (id) => { selectedId = id; showEntry(src, id, panel, tree, reload); },
    loadPreviews: (ids) => api(`${src.base}/entries?ids=${ids.map(encodeURIComponent).join(",")}`),
  });
  filter.addEventListener("change", () => tree.setFilter(filter.value));
  let searching = 0;
  search.addEventListener("keydown", async (e) => {
    if (e.key !== "Enter") return;
    const q = search.value.trim();
    const mine = ++searching;
    if (!q) { tree.setHits(null); count.textContent = ""; return; }
    const ids = await api(`${src.base}/search?q=${encodeURIComponent(q)}`).catch((x) => (toast(x.message, true), []));
    if (mine !== searching) return;
    tree.setHits(new Set(ids));
    count.textContent = `${ids.length} match${ids.length === 1 ? "" : "es"}`;
    if (ids.length) tree.selectId(ids[0]);
  });
  const slash = (e) => {
    if (e.key === "/" && document.activeElement !== search && !/INPUT|TEXTAREA/.test(document.activeElement.tagName)) {
      e.preventDefault();
      search.focus();
    }
  };
  document.addEventListener("keydown", slash);
  cleanup.push(() => document.removeEventListener("keydown", slash));

  let first = true;
  async function reload() {
    const t0 = performance.now();
    let shape;
    try {
      shape = await api(`${src.base}/tree`);
    } catch (x) {
      // a session gone, unreadable or damaged since it was listed: say so where the tree would be
      if (first) fill(main, el("div", { class: "card problem", id: "problem" }, el("h1", { text: "This session cannot be shown" }),
        el("p", { text: x.message }), el("a", { href: src.crumbs[0].href, text: "Back to " + src.crumbs[0].text })));
      else toast(x.message, true);
      return;
    }
    const t1 = performance.now();
    legend.replaceChildren(...shape.laneNames.map((n, i) => {
      const s = el("span", { class: "lanecolor" });
      s.style.background = laneColor(i);
      return el("span", {}, s, n);
    }));
    tree.forget(Object.values(shape.heads));
    if (selectedId) tree.forget([selectedId]);
    tree.setData(shape);
    window.groveTiming = { fetch: t1 - t0, layout: performance.now() - t1, rows: tree.rows.length };
    if (first) {
      first = false;
      scroller.focus();
      if (focus && tree.selectId(focus)) return;
    }
  }
  window.groveTree = tree; // for the browser tests and the benchmark
  reload();
  if (!src.events) return;
  let pending = null;
  live(src.events, "run", () => {
    if (first) return;
    clearTimeout(pending);
    pending = setTimeout(reload, 300);
  });
}

async function showEntry(src, id, panel, tree, reload) {
  panel.replaceChildren(el("p", { class: "muted", text: "Loading " + id + "…" }));
  let data;
  try {
    data = await api(`${src.base}/entries/${encodeURIComponent(id)}`);
  } catch (e) {
    panel.replaceChildren(el("p", { class: "muted", text: e.message }));
    return;
  }
  if (tree.selectedId() !== id) return;
  const e = data.entry;
  const parts = [];
  parts.push(el("div", { class: "entry-head" },
    el("h1", { class: "mono", text: e.id }),
    pill(e.role || e.kind || e.type),
    el("span", { class: "muted", text: `lane ${e.lane} · line ${e.line} · ${when(e.ts)}` }),
    data.label ? el("span", { class: "pill", text: "#" + data.label }) : null));
  if (e.type === "message") {
    if (e.content) parts.push(el("div", { class: "section" }, el("h3", { text: e.isError ? "Content (an error)" : "Content" }),
      el("div", { class: "content", id: "entry-content", text: e.content })));
    if (e.toolCalls && e.toolCalls.length) {
      parts.push(el("div", { class: "section" }, el("h3", { text: "Tool calls" }),
        e.toolCalls.map((c) => el("div", { class: "call" }, el("div", { class: "name", text: c.name + "  " + c.id }),
          el("div", { class: "content", text: pretty(c.arguments) })))));
    }
    if (e.toolCallId) parts.push(el("p", { class: "muted", text: "Result of call " + e.toolCallId }));
    if (e.usage) {
      parts.push(el("div", { class: "kpis" }, kpi("Input tokens", tokens(e.usage.inputTokens || 0)),
        kpi("Output tokens", tokens(e.usage.outputTokens || 0)), kpi("Cost", money(e.usage.cost)), e.model ? kpi("Model", e.model) : null));
    }
  } else {
    parts.push(el("div", { class: "section" }, el("h3", { text: e.kind || e.type }),
      el("div", { class: "content", text: JSON.stringify(e.data || e, null, 2) })));
  }
  parts.push(contextSection(src, e.id, tree));
  if (src.runId) parts.push(...runActions(src.runId, e, data, reload));
  else {
    parts.push(el("div", { class: "section" }, el("h3", { text: "Carry on from here" }),
      el("p", { class: "muted", text: "Read-only: grove never writes into this file. In a terminal, a grove lane with the context of this entry:" }),
      el("div", { class: "content", id: "fork-command", text: `grove fork ${e.id} --from ${shellWord(src.session ? src.session.file : "FILE")} --repo DIR --hint "…"` })));
  }
  fill(panel, parts);
  if (data.checkpoint && src.runId) {
    const runId = src.runId;
    const holder = el("div", { class: "section", id: "entry-diff" }, el("p", { class: "muted", text: "Loading the diff…" }));
    panel.append(holder);
    try {
      const change = await api(`/runs/${runId}/entries/${encodeURIComponent(e.id)}/diff`);
      if (tree.selectedId() === id) holder.replaceWith(changeSection("Files changed at this entry", change, "entry-diff", true));
    } catch (x) {
      holder.replaceChildren(el("p", { class: "muted", text: x.message }));
    }
  }
}

/** What a model is sent at an entry, asked for on demand: each message a row that selects it. */
function contextSection(src, id, tree) {
  const box = el("div", { id: "entry-context" });
  const show = el("button", { id: "show-context", onclick: async (ev) => {
    const c = await act(ev.target, () => api(`${src.base}/entries/${encodeURIComponent(id)}/context`));
    if (!c) return;
    fill(box,
      el("p", { class: "muted", text: `${c.count} message${c.count === 1 ? "" : "s"}` + (c.cut ? ` (the first ${c.cut} not shown)` : "") }),
      el("ol", { class: "context", start: String(c.cut + 1) }, c.entries.map((p) => el("li", { "data-id": p.id },
        el("span", { class: "kind", text: (p.role || p.type) + (p.tools && p.tools.length ? " → " + p.tools.join(", ") : "") }),
        el("a", { href: src.href(p.id), onclick: (x) => { if (tree.selectId(p.id)) x.preventDefault(); }, text: p.text || "(no text)" })))));
  } }, "Context at this entry");
  return el("div", { class: "section" }, el("div", { class: "row" }, el("h3", { text: "Context" }), show,
    el("span", { class: "muted", text: "What a model would be sent here." })), box);
}

function runActions(runId, e, data, reload) {
  const labelInput = el("input", { type: "text", id: "label-input", value: data.label || "", placeholder: "a label", "aria-label": "Label" });
  const labelButton = el("button", { id: "label-save", onclick: (ev) => act(ev.target,
    () => api(`/runs/${runId}/entries/${encodeURIComponent(e.id)}/label`, { body: { label: labelInput.value } }),
    (r) => { reload(); return r.label ? `Labelled #${r.label}` : "Label cleared"; }) }, "Label");
  const hint = el("textarea", { id: "fork-hint", placeholder: "A hint for the retry: what to do differently…", "aria-label": "Hint" });
  const forkButton = el("button", { class: "primary", id: "fork", onclick: (ev) => act(ev.target,
    () => api(`/runs/${runId}/fork`, { body: { entry: e.id, hint: hint.value } }),
    (r) => { location.hash = `#/run/${runId}`; return `Forked into ${r.lane}`; }) }, "Fork from here");
  const parts = [el("div", { class: "section" }, el("h3", { text: "Label" }), el("div", { class: "row" }, labelInput, labelButton))];
  if (e.lane !== "main") {
    parts.push(el("div", { class: "section" }, el("h3", { text: "Fork from this entry" }), hint, el("div", { class: "row" }, forkButton,
      el("span", { class: "muted", text: "A new lane with the context and the files of this moment." }))));
  }
  return parts;
}

// ------------------------------------------------------------------ other tools' sessions

// the last list's sessions by key, for the tree view's title
const shelf = new Map();
let shelfQuery = "";

const size = (b) => (b < 1024 ? b + " B" : b < 1 << 20 ? (b / 1024).toFixed(1) + " KB" : b < 1 << 30 ? (b / (1 << 20)).toFixed(1) + " MB" : (b / (1 << 30)).toFixed(1) + " GB");

function showSessions() {
  setCrumbs(); // the tab says where you are
  main.className = "";
  const search = el("input", { type: "search", id: "sessions-search", value: shelfQuery, placeholder: "Search what was said… (Enter)", "aria-label": "Search sessions" });
  const summary = el("span", { class: "muted", id: "sessions-count" });
  const body = el("div", { id: "sessions-list" }, el("p", { class: "muted", text: "Looking for sessions…" }));
  let asking = 0;
  async function load() {
    const mine = ++asking;
    const q = search.value;
    shelfQuery = q;
    summary.textContent = q.trim() ? "Searching…" : "";
    let data;
    try {
      data = await api("/sessions?limit=500" + (q.trim() ? "&q=" + encodeURIComponent(q.trim()) : ""));
    } catch (x) {
      if (mine === asking) fill(body, el("p", { class: "muted", text: x.message }));
      return;
    }
    if (mine !== asking) return;
    data.sessions.forEach((s) => shelf.set(s.key, s));
    summary.textContent = (q.trim() ? `${data.total} session${data.total === 1 ? "" : "s"} say “${q.trim()}”` : `${data.total} sessions, newest first`)
      + (data.total > data.sessions.length ? ` (the first ${data.sessions.length} shown)` : "");
    const rows = data.sessions.map((s) => {
      const open = s.hit ? `#/session/${s.key}/${encodeURIComponent(s.hit.entry)}` : `#/session/${s.key}`;
      return el("tr", { "data-key": s.key, "data-tool": s.tool },
        el("td", {}, el("span", { class: "pill tool-" + s.tool, text: s.tool })),
        el("td", { class: "muted", text: when(s.lastActivity) }),
        el("td", { class: "num", text: size(s.size) }),
        el("td", { class: "num", text: String(s.entries) }),
        el("td", { class: "first" },
          el("a", { href: open, class: "open", title: s.file, text: s.firstMessage || "(no message)" }),
          s.run ? el("a", { href: `#/run/${s.run}`, class: "muted runlink", text: "  run " + s.run }) : null,
          s.hit ? el("div", { class: "snippet" }, el("span", { class: "mono muted", text: s.hit.entry + ": " }), el("span", { text: s.hit.snippet })) : null,
          s.problems ? el("div", { class: "problems", text: `${s.problems} problem${s.problems === 1 ? "" : "s"}: ${s.notes.join("; ")}` }) : null,
          el("div", { class: "mono muted file", text: s.file })),
        el("td", {}, s.labels.map((l) => el("span", { class: "pill", text: "#" + l }))));
    });
    fill(body,
      el("div", { class: "tablecard" }, el("table", { id: "sessions" },
        el("thead", {}, el("tr", {}, ["Tool", "Last activity", "Size", "Entries", "First message", "Labels"].map((h, i) => el("th", { class: i === 2 || i === 3 ? "num" : null, text: h })))),
        el("tbody", {}, rows.length ? rows : el("tr", {}, el("td", { colspan: "6", class: "empty",
          text: q.trim() ? "No session's messages say that." : "No sessions found in the usual places." }))))),
      data.warnings.length ? el("p", { class: "muted", text: data.warnings.join(" · ") }) : null);
  }
  search.addEventListener("keydown", (e) => e.key === "Enter" && load());
  fill(main,
    el("h1", { text: "Sessions" }),
    el("p", { class: "muted", text: "grove, pi, Claude Code and Codex sessions in the usual places, as grove sessions lists them. Opened read-only." }),
    el("div", { class: "row" }, search, summary),
    body);
  load();
}

// a path as one shell word, to copy into a terminal
const shellWord = (s) => (/^[\w@%+=:,./-]+$/.test(s) ? s : "'" + s.replaceAll("'", "'\\''") + "'");

// a tool call's arguments: the API gives an object (or, when they were not JSON, the text itself)
function pretty(args) {
  if (args !== null && typeof args === "object") return JSON.stringify(args, null, 2);
  try { return JSON.stringify(JSON.parse(args), null, 2); } catch { return args || ""; }
}

// ------------------------------------------------------------------ a lane's change, two lanes

async function showLane(runId, lane) {
  setCrumbs({ text: "Runs", href: "#/" }, { text: runId, href: `#/run/${runId}` }, { text: lane });
  main.className = "";
  main.replaceChildren(el("p", { class: "muted", text: "Loading…" }));
  const [run, change] = await Promise.all([api(`/runs/${runId}`), api(`/runs/${runId}/lanes/${encodeURIComponent(lane)}/diff`)]);
  const l = run.lanes.find((x) => x.lane === lane);
  fill(main, el("h1", { text: lane }), laneFacts(l), changeSection("The lane's change against its base", change, "lane-diff"));
}

function laneFacts(l) {
  return el("div", {},
    el("div", { class: "row" }, pill(l.state), el("span", { class: "mono", text: l.branch }), l.forkOf ? el("span", { class: "muted", text: "fork of " + l.forkOf }) : null),
    el("p", { class: "muted", text: l.task }),
    el("div", { class: "kpis" }, kpi("Steps", String(l.steps)), kpi("Tokens", tokens(l.inputTokens + l.outputTokens)), kpi("Cost", money(l.cost)),
      kpi("Verification", l.verification ? (l.verification.ok ? "passed" : `failed (exit ${l.verification.exitCode})`) : "none")),
    l.detail ? el("p", { text: l.detail }) : null);
}

async function showCompare(runId, a, b) {
  setCrumbs({ text: "Runs", href: "#/" }, { text: runId, href: `#/run/${runId}` }, { text: `${a} ↔ ${b}` });
  main.className = "";
  main.replaceChildren(el("p", { class: "muted", text: "Loading…" }));
  const c = await api(`/runs/${runId}/compare?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}`);
  fill(main, el("h1", { text: `${a} ↔ ${b}` }),
    el("div", { class: "grid2 compare" },
      el("div", { class: "card side", id: "side-a" }, el("h2", { text: a }), laneFacts(c.a.lane)),
      el("div", { class: "card side", id: "side-b" }, el("h2", { text: b }), laneFacts(c.b.lane))),
    changeSection(`From ${a} to ${b}`, c.between, "between-diff"),
    changeSection(`${a} against its base`, c.a.change, "a-diff"),
    changeSection(`${b} against its base`, c.b.change, "b-diff"));
}

// ------------------------------------------------------------------ routing

function route() {
  cleanup.forEach((f) => f());
  cleanup = [];
  conn.classList.remove("on");
  const parts = location.hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
  const go = {
    "": () => showRuns(),
    sessions: () => showSessions(),
    session: () => showTree(sessionSource(parts[1]), parts[2]),
    run: () => {
      const [, id, view, x, y] = parts;
      if (view === "tree") return showTree(runSource(id), x);
      if (view === "lane") return showLane(id, x);
      if (view === "compare") return showCompare(id, x, y);
      return showRun(id);
    },
  }[parts[0]] || (() => showRuns());
  Promise.resolve(go()).catch((e) => main.replaceChildren(el("p", { class: "muted", text: e.message })));
}

window.addEventListener("hashchange", route);
route();
