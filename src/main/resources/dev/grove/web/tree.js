// The session tree, drawn like `grove session tree`: one row per entry, a branch indented with ├─ / └─
// below its branch point, the lane's own continuation at the same level, long linear runs folded. The
// server sends the tree's shape alone (columns of ids, parents, lanes, kinds); a row's text is fetched
// when it first scrolls into view, and only the rows in view exist in the page (a virtualised list), so
// a 100,000-entry session stays fluid.

export const KINDS = ["system", "user", "assistant", "tool", "event", "summary", "other"];
const ROW = 22;
const FOLD_AT = 7;
const OVERSCAN = 12;

/** A distinct colour for each lane: hues a golden angle apart. */
export function laneColor(i) {
  return `hsl(${Math.round((i * 137.508 + 150) % 360)}, 62%, 42%)`;
}

export class Tree {
  constructor(scroller, { onSelect, loadPreviews }) {
    this.scroller = scroller;
    this.onSelect = onSelect;
    this.loadPreviews = loadPreviews;
    this.sizer = document.createElement("div");
    this.sizer.className = "sizer";
    scroller.replaceChildren(this.sizer);
    this.pool = [];
    this.previews = new Map();
    this.wanted = new Set();
    this.expanded = new Set();
    this.filter = "all";
    this.hits = null;
    this.selected = -1;
    this.rows = [];
    scroller.addEventListener("scroll", () => this.paint(), { passive: true });
    scroller.addEventListener("keydown", (e) => this.key(e));
    this.sizer.addEventListener("click", (e) => {
      const row = e.target.closest(".trow");
      if (!row) return;
      const r = this.rows[Number(row.dataset.row)];
      if (r && r.fold) {
        this.expanded.add(r.fold);
        this.layout();
      } else if (r) {
        this.select(Number(row.dataset.row));
      }
    });
    new ResizeObserver(() => this.paint()).observe(scroller);
  }

  /** New data (the first time, or after the session grew): keeps the selection and the folds open. */
  setData(shape) {
    const keep = this.selectedId();
    this.shape = shape;
    const n = shape.count;
    this.index = new Map();
    for (let i = 0; i < n; i++) this.index.set(shape.ids[i], i);
    // children as one flat array (counting sort by parent), in file order
    const counts = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) if (shape.parents[i] >= 0) counts[shape.parents[i] + 1]++;
    for (let i = 0; i < n; i++) counts[i + 1] += counts[i];
    this.childStart = counts;
    this.children = new Int32Array(Math.max(1, counts[n]));
    const fill = counts.slice();
    for (let i = 0; i < n; i++) {
      const p = shape.parents[i];
      if (p >= 0) this.children[fill[p]++] = i;
    }
    this.headsAt = new Map();
    for (const [lane, id] of Object.entries(shape.heads)) {
      const i = this.index.get(id);
      if (i !== undefined) (this.headsAt.get(i) || this.headsAt.set(i, []).get(i)).push(lane);
    }
    this.labels = new Map(Object.entries(shape.labels));
    this.layout(keep);
  }

  setFilter(mode) {
    this.filter = mode;
    this.layout(this.selectedId());
  }

  /** Search hits (a set of ids), or null for none. */
  setHits(hits) {
    this.hits = hits;
    this.layout(this.selectedId());
  }

  selectedId() {
    const r = this.rows[this.selected];
    return r && !r.fold ? this.shape.ids[r.node] : null;
  }

  shows(i) {
    const kind = this.shape.kinds[i];
    switch (this.filter) {
      case "no-tools": if (kind === 3) return false; break;
      case "user": if (kind !== 1) return false; break;
      case "labelled": if (!this.labels.has(this.shape.ids[i])) return false; break;
    }
    return !this.hits || this.hits.has(this.shape.ids[i]);
  }

  /** Lays the tree out into rows: an iterative walk (a path may be very deep), without garbage. */
  layout(keepId) {
    const s = this.shape;
    const n = s.count;
    const lanes = s.lanes, parents = s.parents;
    // each node's continuation: its first child on its own lane (-1: none)
    const same = new Int32Array(n).fill(-1);
    for (let i = 0; i < n; i++) {
      const p = parents[i];
      if (p >= 0 && same[p] < 0 && lanes[p] === lanes[i]) same[p] = i;
    }
    const rows = [];
    const filtering = this.filter !== "all" || this.hits;
    const stack = [];
    for (let i = n - 1; i >= 0; i--) if (parents[i] < 0) stack.push(i, "", "");
    const run = [];
    while (stack.length) {
      const connector = stack.pop(), prefix = stack.pop(), start = stack.pop();
      const cont = prefix + (connector === "" ? "" : connector === "├─" ? "│ " : "  ");
      run.length = 0;
      let at = start;
      // follow the continuation while the node has no other children
      while (true) {
        run.push(at);
        const kids = this.childStart[at + 1] - this.childStart[at];
        const c = same[at];
        if (c < 0 || kids > 1) break;
        at = c;
      }
      const fold = !filtering && run.length >= FOLD_AT && !this.expanded.has(s.ids[run[0]]);
      for (let k = 0; k < run.length; k++) {
        if (fold && k === 2) {
          rows.push({ fold: s.ids[run[0]], count: run.length - 4, prefix: cont });
          k = run.length - 3;
          continue;
        }
        if (!filtering || this.shows(run[k])) rows.push({ node: run[k], prefix: k === 0 ? prefix + connector : cont });
      }
      // the last node's other children are branches, drawn first; its continuation comes after them
      const last = run[run.length - 1];
      const c = same[last];
      if (c >= 0) stack.push(c, cont, "");
      let firstBranch = true;
      for (let k = this.childStart[last + 1] - 1; k >= this.childStart[last]; k--) {
        const child = this.children[k];
        if (child === c) continue;
        stack.push(child, cont, firstBranch && c < 0 ? "└─" : "├─");
        firstBranch = false;
      }
    }
    this.rows = rows;
    this.drawnFor = (this.drawnFor || 0) + 1;
    this.sizer.style.height = rows.length * ROW + "px";
    this.selected = -1;
    if (keepId) {
      const i = this.index.get(keepId);
      const r = rows.findIndex((x) => x.node === i);
      if (r >= 0) this.selected = r;
    }
    this.paint();
  }

  paint() {
    if (!this.shape) return;
    const top = this.scroller.scrollTop;
    const height = this.scroller.clientHeight || 600;
    const first = Math.max(0, Math.floor(top / ROW) - OVERSCAN);
    const last = Math.min(this.rows.length, Math.ceil((top + height) / ROW) + OVERSCAN);
    while (this.pool.length < last - first) {
      const div = document.createElement("div");
      div.className = "trow";
      this.sizer.appendChild(div);
      this.pool.push(div);
    }
    const missing = [];
    for (let p = 0; p < this.pool.length; p++) {
      const div = this.pool[p];
      const r = first + p;
      if (r >= last) {
        div.hidden = true;
        continue;
      }
      div.hidden = false;
      div.style.transform = `translateY(${r * ROW}px)`;
      div.dataset.row = String(r);
      this.draw(div, this.rows[r], r === this.selected);
      const row = this.rows[r];
      if (!row.fold && !this.previews.has(this.shape.ids[row.node])) missing.push(this.shape.ids[row.node]);
    }
    if (missing.length) this.want(missing);
  }

  draw(div, row, selected) {
    const s = this.shape;
    // a row already showing this, as it is, is left alone: scrolling redraws only what moved in
    const key = row.fold ? "f" + row.fold + row.prefix
      : row.node + (selected ? "s" : "") + (this.previews.has(s.ids[row.node]) ? "p" : "") + row.prefix;
    if (div.drawn === key && div.drawnFor === this.drawnFor) return;
    div.drawn = key;
    div.drawnFor = this.drawnFor;
    div.className = "trow" + (selected ? " sel" : "") + (row.fold ? " fold" : "");
    div.replaceChildren();
    const pre = span("pre", row.prefix);
    if (row.fold) {
      div.append(pre, span("", `┆ ⋯ ${row.count} more entries (click to unfold)`));
      return;
    }
    const i = row.node;
    const id = s.ids[i];
    const lane = s.lanes[i];
    const color = laneColor(lane);
    const node = span("node", "● ");
    node.style.color = color;
    div.append(pre, node, span("id", id.slice(0, 8) + " "));
    const parent = s.parents[i];
    if (parent < 0 || s.lanes[parent] !== lane) {
      const tag = span("lanetag", `[${s.laneNames[lane]}] `);
      tag.style.color = color;
      div.append(tag);
    }
    const p = this.previews.get(id);
    const kind = KINDS[s.kinds[i]];
    if (!p) {
      div.append(span("kind", kind));
    } else {
      let label = p.kind ? `${p.kind} ` : `${kind}: `;
      if (p.error) div.append(span("err", "✗ "));
      div.append(span("kind", label));
      const text = span("text", p.text + (p.tools && p.tools.length ? ` → ${p.tools.join(", ")}` : ""));
      div.append(text);
    }
    if (this.hits && this.hits.has(id)) div.classList.add("hit");
    const heads = this.headsAt.get(i);
    if (heads) div.append(span("head", "  ◀ " + heads.join(", ")));
    const label = this.labels.get(id);
    if (label) div.append(span("label", "  #" + label));
  }

  /** Asks for the previews of rows in view, a batch at a time. */
  want(ids) {
    ids.forEach((id) => this.wanted.add(id));
    if (this.loading) return;
    this.loading = true;
    queueMicrotask(async () => {
      try {
        while (this.wanted.size) {
          const batch = [...this.wanted].slice(0, 300);
          batch.forEach((id) => this.wanted.delete(id));
          const got = await this.loadPreviews(batch);
          got.forEach((p) => this.previews.set(p.id, p));
          this.paint();
        }
      } finally {
        this.loading = false;
      }
    });
  }

  /** Forgets previews (the session grew, a label changed). */
  forget(ids) {
    ids.forEach((id) => this.previews.delete(id));
  }

  select(r, scroll) {
    if (r < 0 || r >= this.rows.length) return;
    this.selected = r;
    if (scroll) {
      const top = r * ROW;
      if (top < this.scroller.scrollTop) this.scroller.scrollTop = top;
      else if (top + ROW > this.scroller.scrollTop + this.scroller.clientHeight) {
        this.scroller.scrollTop = top + ROW - this.scroller.clientHeight;
      }
    }
    this.paint();
    const row = this.rows[r];
    if (!row.fold) this.onSelect(this.shape.ids[row.node]);
  }

  selectId(id) {
    const i = this.index.get(id);
    if (i === undefined) return false;
    let r = this.rows.findIndex((x) => x.node === i);
    if (r < 0) {
      // inside a fold: open every fold and look again
      for (const row of this.rows) if (row.fold) this.expanded.add(row.fold);
      this.layout();
      r = this.rows.findIndex((x) => x.node === i);
    }
    if (r >= 0) this.select(r, true);
    return r >= 0;
  }

  key(e) {
    const page = Math.max(1, Math.floor(this.scroller.clientHeight / ROW) - 1);
    let to = null;
    switch (e.key) {
      case "ArrowDown": case "j": to = this.selected + 1; break;
      case "ArrowUp": case "k": to = this.selected - 1; break;
      case "PageDown": to = this.selected + page; break;
      case "PageUp": to = this.selected - page; break;
      case "Home": to = 0; break;
      case "End": to = this.rows.length - 1; break;
      case "ArrowRight": case "Enter": {
        const r = this.rows[this.selected];
        if (r && r.fold) { this.expanded.add(r.fold); this.layout(); e.preventDefault(); }
        return;
      }
      default: return;
    }
    e.preventDefault();
    this.select(Math.max(0, Math.min(this.rows.length - 1, to)), true);
  }
}

function span(cls, text) {
  const s = document.createElement("span");
  if (cls) s.className = cls;
  s.textContent = text;
  return s;
}
