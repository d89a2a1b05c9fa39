// Times pi's SessionManager (published @mariozechner/pi-coding-agent) on one session file.
// usage: node pi-run.mjs <session.jsonl> [mode=all|open]   (prints one JSON line)
// Works on a scratch copy so the dataset stays pristine (copy time not measured).
import { copyFileSync, rmSync, statSync } from "node:fs";
const PI = process.env.PI_DIST ?? "./node_modules/@mariozechner/pi-coding-agent/dist/core/session-manager.js";
const { SessionManager } = await import(PI);

const src = process.argv[2], mode = process.argv[3] ?? "all";
const work = "./scratch/" + process.pid + ".jsonl";
copyFileSync(src, work);
const ms = (f) => { const t = process.hrtime.bigint(); const r = f(); return [Number(process.hrtime.bigint() - t) / 1e6, r]; };
const r = { file: src, MB: +(statSync(src).size / 1e6).toFixed(1) };
const mem = (k) => { const m = process.memoryUsage(); r[k + "_heapMB"] = Math.round(m.heapUsed / 2 ** 20); r[k + "_rssMB"] = Math.round(m.rss / 2 ** 20); };
mem("base");
let sm;
try {
  [r.open_ms, sm] = ms(() => SessionManager.open(work));   // (a) what `pi --session <file>` does
} catch (e) { r.open_error = String(e.message ?? e).slice(0, 120); console.log(JSON.stringify(r)); rmSync(work); process.exit(0); }
mem("afterOpen");
r.entries = sm.getEntries().length;
[r.ctx_ms, r.ctx_msgs] = ms(() => sm.buildSessionContext().messages.length); // (b) first call
if (mode === "open") { r.open_ms = +r.open_ms.toFixed(1); r.ctx_ms = +r.ctx_ms.toFixed(1); r.maxRSS_MB = Math.round(process.resourceUsage().maxRSS / 1024); console.log(JSON.stringify(r)); rmSync(work); process.exit(0); }
[r.ctx2_ms] = ms(() => sm.buildSessionContext());                 // (b) warm call
const [bms, br] = ms(() => sm.getBranch());                      // path leaf->root (footer/getContextUsage use this)
r.branch_ms = bms; r.depth = br.length;
// same leaf->root walk, push + reverse instead of unshift (linear reference, not pi code)
[r.walkPushReverse_ms] = ms(() => { const p = []; let c = sm.getLeafEntry(); while (c) { p.push(c); c = c.parentId ? sm.getEntry(c.parentId) : undefined; } return p.reverse(); });
[r.entriesCopy_ms] = ms(() => sm.getEntries());                   // shallow copy of all entries
[r.tree_ms, r.roots] = ms(() => sm.getTree().length);            // (c)
[r.tree2_ms] = ms(() => sm.getTree());
// (d) append 1000 messages (~1 KB each) to the current leaf
const mk = (i) => i % 2
  ? { role: "assistant", content: [{ type: "text", text: "x".repeat(700) }], api: "anthropic-messages", provider: "anthropic",
      model: "claude-sonnet-4-5", usage: { input: 1, output: 1, cacheRead: 0, cacheWrite: 0, totalTokens: 2,
      cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: 0 } }, stopReason: "stop", timestamp: Date.now() }
  : { role: "user", content: [{ type: "text", text: "y".repeat(900) }], timestamp: Date.now() };
const sizeBefore = statSync(work).size;
const per = [];
[r.append1000_ms] = ms(() => { for (let i = 0; i < 1000; i++) { const t = process.hrtime.bigint(); sm.appendMessage(mk(i)); per.push(Number(process.hrtime.bigint() - t) / 1e3); } });
per.sort((a, b) => a - b);
r.append_p50_us = Math.round(per[500]); r.append_p99_us = Math.round(per[990]);
r.appended_bytes = statSync(work).size - sizeBefore;
// branch back 20 entries from the leaf and append (O(1) leaf move), then rebuild context
let target = sm.getLeafId(); for (let i = 0; i < 20; i++) target = sm.getEntry(target).parentId;
[r.branchAppend_ms] = ms(() => { sm.branch(target); sm.appendMessage(mk(0)); });
[r.ctxAfter_ms, r.ctxAfter_msgs] = ms(() => sm.buildSessionContext().messages.length);
mem("end");
r.maxRSS_MB = Math.round(process.resourceUsage().maxRSS / 1024);
for (const k of Object.keys(r)) if (typeof r[k] === "number" && k.endsWith("_ms")) r[k] = +r[k].toFixed(2);
console.log(JSON.stringify(r));
rmSync(work);
