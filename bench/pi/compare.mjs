// grove and pi side by side on the same content: a fresh process each repetition, interleaved, paired.
// usage (from bench/pi, after `npm install` here and a build of grove's jar):
//   node compare.mjs [--sizes 10000,100000] [--runs 5] [--heap 512m] [--no-cli] [--no-pi] [--before-jar JAR] [--secret]
//                    [--jvm-flags "FLAGS"]
//
// For each size: generates a pi session (gen.mjs, seed 42), converts it to grove's format (pi2grove.mjs),
// then runs, alternately and each in a fresh process:
//   pi     pi-run.mjs FILE open                       SessionManager.open + buildSessionContext()
//   grove  java -cp grove.jar dev.grove.bench.ReadOnce open + context of lane main + every message read
//   cli    grove session context FILE --lane main --json > /dev/null   (wall time and peak RSS; --no-cli skips)
// and prints the medians (min–max), the median of the paired ratios grove/pi, and of cli/grove (the command
// against the whole ReadOnce process: issue 11's "within 1.5x of the in-process read"). --no-pi runs grove
// alone (pi need not be installed); --before-jar JAR runs JAR's command too, interleaved with this one's (a
// build of main, to measure a change before and after; its lib/ must sit beside it). Times "in process" are
// what each program measures around its own calls (no start-up); "process" is the wall time of the whole
// process, start-up included. --secret runs every grove process with a clean environment (PATH and LANG only) and each
// command twice, interleaved: as it is, and with a made-up OPENAI_API_KEY to redact. --jvm-flags adds JVM options
// (space-separated) to every grove process: e.g. the ones the `grove` launcher gives its session commands,
// "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData" (C1 alone), to measure a fresh process as grove's own
// commands start; without it, the JVM's defaults (as a program embedding grove's library gets them).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const jar = resolve(root, "target/grove.jar");
const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const sizes = opt("--sizes", "10000,100000").split(",").map(Number);
const runs = Number(opt("--runs", "5"));
const heap = opt("--heap", "512m");
const cli = !args.includes("--no-cli");
const withPi = !args.includes("--no-pi");
const beforeJar = opt("--before-jar", null) && resolve(opt("--before-jar", null));
const withSecret = args.includes("--secret");
const cleanEnv = { PATH: process.env.PATH, LANG: process.env.LANG ?? "C.UTF-8" }; // without LANG, Java prints US-ASCII
const secretEnv = { ...cleanEnv, OPENAI_API_KEY: "sk-proj-Xq7mR2vL9kPz4TnW8bYc3HdF6gJs1" };
if (args.includes("--jvm-flags") && (opt("--jvm-flags") ?? "").trim() === "") {
  console.error('--jvm-flags needs the options as one argument, e.g. --jvm-flags "-XX:TieredStopAtLevel=1"');
  process.exit(2);
}
const jvmFlags = (opt("--jvm-flags", "") ?? "").split(" ").filter((f) => f);
const java = process.env.GROVE_JAVA_HOME ? resolve(process.env.GROVE_JAVA_HOME, "bin/java") : "java";

if (withPi && !existsSync(resolve(here, "node_modules/@mariozechner/pi-coding-agent"))) {
  console.error("pi is not installed here: run `npm install --no-audit --no-fund --ignore-scripts` in " + here);
  process.exit(2);
}
if (!existsSync(jar)) {
  console.error("no " + jar + ": build grove first (`./grove --version` builds it)");
  process.exit(2);
}
if (jvmFlags.length) { // refused options said once, plainly, before any file is made
  const r = spawnSync(java, [...jvmFlags, "-version"], { encoding: "utf8" });
  if (r.status !== 0) {
    console.error(`the JVM refuses --jvm-flags "${jvmFlags.join(" ")}": ${(r.stderr || r.error?.message || "").trim().split("\n")[0]}`);
    process.exit(2);
  }
}
mkdirSync(resolve(here, "data"), { recursive: true });
mkdirSync(resolve(here, "scratch"), { recursive: true });

function run(cmd, argv, { stdout = "pipe", env = withSecret ? cleanEnv : process.env } = {}) {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { cwd: here, env, encoding: "utf8", maxBuffer: 1 << 20, stdio: ["ignore", stdout, "pipe"] });
  const wall = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(" ")} failed (${r.status}): ${r.stderr}`);
  return { out: r.stdout ?? "", err: r.stderr ?? "", wall };
}
const timed = (cmd, argv, env) => { // wall time and peak RSS of a command whose output is thrown away
  const r = run("/usr/bin/time", ["-f", "%M", cmd, ...argv], { stdout: "ignore", env });
  return { wall: r.wall, rssMB: Math.round(Number(r.err.trim().split("\n").pop()) / 1024) };
};
const median = (xs) => { const s = [...xs].sort((a, b) => a - b), n = s.length; return n % 2 ? s[n >> 1] : (s[n / 2 - 1] + s[n / 2]) / 2; };
const fmt = (ms) => ms >= 1000 ? (ms / 1000).toFixed(2) + " s" : ms.toFixed(ms < 10 ? 1 : 0) + " ms";
const stat = (xs) => `${fmt(median(xs))} (${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))})`;

console.log(`grove vs pi — ${cpus().length} cores (${cpus()[0].model}), load ${loadavg().map((x) => x.toFixed(1)).join(" ")}, `
  + `node ${process.version}, grove heap -Xmx${heap}${jvmFlags.length ? " " + jvmFlags.join(" ") : ""}, ${runs} runs per size, interleaved`);
for (const n of sizes) {
  const pi = resolve(here, `data/pi-${n}.jsonl`), grove = resolve(here, `data/grove-${n}.jsonl`);
  if (!existsSync(pi) && !existsSync(grove)) run("node", ["gen.mjs", String(n), pi]);
  if (!existsSync(grove)) run("node", ["pi2grove.mjs", pi, grove]);
  const rows = { piIn: [], piWall: [], piRss: [], gIn: [], gWall: [], gRss: [], ratioIn: [], ratioWall: [], cliWall: [], cliRss: [],
    cliRatio: [], beforeWall: [], beforeRss: [], beforeRatio: [], sNowWall: [], sNowRatio: [], sBeforeWall: [], sBeforeRatio: [] };
  let msgs = {};
  for (let r = 0; r < runs; r++) {
    const order = r % 2 ? ["grove", "pi"] : ["pi", "grove"];
    let p = { error: "not run (--no-pi)" }, g;
    for (const who of order) {
      if (who === "pi") {
        if (!withPi) continue;
        const x = run("node", ["pi-run.mjs", pi, "open"]);
        const j = JSON.parse(x.out.trim().split("\n").pop());
        if (j.open_error) { p = { error: j.open_error }; continue; }
        p = { in: j.open_ms + j.ctx_ms, wall: x.wall, rss: j.maxRSS_MB };
        msgs.pi = j.ctx_msgs;
      } else {
        const x = run(java, [`-Xmx${heap}`, ...jvmFlags, "-cp", jar, "dev.grove.bench.ReadOnce", grove]);
        const j = JSON.parse(x.out.trim().split("\n").pop());
        g = { in: j.open_ms + j.ctx_ms + j.read_ms, wall: x.wall, rss: j.maxRSS_MB };
        msgs.grove = j.msgs;
      }
    }
    rows.gIn.push(g.in); rows.gWall.push(g.wall); rows.gRss.push(g.rss);
    if (!p.error) {
      rows.piIn.push(p.in); rows.piWall.push(p.wall); rows.piRss.push(p.rss);
      rows.ratioIn.push(g.in / p.in); rows.ratioWall.push(g.wall / p.wall);
    } else msgs.piError = p.error;
    if (cli) {
      const command = (j) => [`-Xmx${heap}`, ...jvmFlags, "-jar", j, "session", "context", grove, "--lane", "main", "--json"];
      const jars = beforeJar ? (r % 2 ? ["now", "before"] : ["before", "now"]) : ["now"];
      const envs = withSecret ? (r % 2 ? [secretEnv, cleanEnv] : [cleanEnv, secretEnv]) : [undefined];
      for (const which of jars) {
        for (const env of envs) {
          const c = timed(java, command(which === "now" ? jar : beforeJar), env);
          if (env === secretEnv) {
            rows[which === "now" ? "sNowWall" : "sBeforeWall"].push(c.wall);
            rows[which === "now" ? "sNowRatio" : "sBeforeRatio"].push(c.wall / g.wall);
          } else if (which === "now") {
            rows.cliWall.push(c.wall); rows.cliRss.push(c.rssMB); rows.cliRatio.push(c.wall / g.wall);
          } else {
            rows.beforeWall.push(c.wall); rows.beforeRss.push(c.rssMB); rows.beforeRatio.push(c.wall / g.wall);
          }
        }
      }
    }
  }
  console.log(`\n== ${n.toLocaleString("en")} entries: pi ${existsSync(pi) ? (statSync(pi).size / 1e6).toFixed(0) : "–"} MB, grove ${(statSync(grove).size / 1e6).toFixed(0)} MB; `
    + `context messages: pi ${msgs.pi ?? "–"}, grove ${msgs.grove}`);
  if (msgs.piError && withPi) console.log(`  pi   cannot open it: ${msgs.piError}`);
  else if (msgs.piError) { /* --no-pi */ }
  else {
    console.log(`  pi    open + context, in process         ${stat(rows.piIn)}   process ${stat(rows.piWall)}   peak RSS ${median(rows.piRss)} MB`);
  }
  console.log(`  grove open + context + read, in process  ${stat(rows.gIn)}   process ${stat(rows.gWall)}   peak RSS ${median(rows.gRss)} MB`);
  if (!msgs.piError) {
    console.log(`  grove / pi (median of paired ratios)     in process ${median(rows.ratioIn).toFixed(2)}×   process ${median(rows.ratioWall).toFixed(2)}×`);
  }
  if (cli) {
    console.log(`  grove session context --json >/dev/null  process ${stat(rows.cliWall)}   peak RSS ${median(rows.cliRss)} MB`);
    console.log(`  its process / grove's read process       ${median(rows.cliRatio).toFixed(2)}× (median of paired ratios; `
      + `${Math.min(...rows.cliRatio).toFixed(2)}–${Math.max(...rows.cliRatio).toFixed(2)})`);
    if (beforeJar) {
      console.log(`  the same, ${beforeJar}:`);
      console.log(`    process ${stat(rows.beforeWall)}   peak RSS ${median(rows.beforeRss)} MB   / read process `
        + `${median(rows.beforeRatio).toFixed(2)}× (${Math.min(...rows.beforeRatio).toFixed(2)}–${Math.max(...rows.beforeRatio).toFixed(2)})`);
    }
    const ratios = (xs) => `${median(xs).toFixed(2)}× (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})`;
    if (withSecret) {
      console.log(`  with OPENAI_API_KEY set: process ${stat(rows.sNowWall)}   / read process ${ratios(rows.sNowRatio)}`);
      if (beforeJar) {
        console.log(`    the same, ${beforeJar}: process ${stat(rows.sBeforeWall)}   / read process ${ratios(rows.sBeforeRatio)}`);
      }
    }
  }
}
