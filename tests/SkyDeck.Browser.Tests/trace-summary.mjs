// Sums a Chromium trace (Playwright's browser.StartTracingAsync, devtools.timeline) by event name on the renderer's
// main thread: count, total and worst ms of the complete events (nested events counted inside their parents too),
// and their thread (CPU) time, which a loaded machine inflates far less than wall time.
// Then, per frame, the phases of rendering and the layers painted (see below).
// Usage: node tests/SkyDeck.Browser.Tests/trace-summary.mjs FILE.trace.json [N]
import { readFileSync } from 'node:fs';

const [file, top = '20'] = process.argv.slice(2);
const raw = JSON.parse(readFileSync(file, 'utf8'));
const events = Array.isArray(raw) ? raw : raw.traceEvents;
const main = events.find(e => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
const sums = new Map();
const begins = new Map();
for (const e of events) {
  if (main && (e.pid !== main.pid || e.tid !== main.tid)) continue;
  let dur;
  let cpu = 0;
  if (e.ph === 'X') {
    dur = e.dur;
    cpu = e.tdur ?? 0;
  }
  else if (e.ph === 'B') { begins.set(e.name, e.ts); continue; }
  else if (e.ph === 'E' && begins.has(e.name)) { dur = e.ts - begins.get(e.name); begins.delete(e.name); }
  else continue;
  const s = sums.get(e.name) ?? { n: 0, total: 0, max: 0, cpu: 0 };
  s.n++; s.total += dur; s.max = Math.max(s.max, dur); s.cpu += cpu;
  sums.set(e.name, s);
}
console.log('   count   total ms   worst ms     cpu ms  event');
for (const [name, s] of [...sums].sort((a, b) => b[1].total - a[1].total).slice(0, +top)) {
  console.log(`${String(s.n).padStart(8)} ${(s.total / 1000).toFixed(1).padStart(10)} ${(s.max / 1000).toFixed(1).padStart(10)} ${(s.cpu / 1000).toFixed(1).padStart(10)}  ${name}`);
}

// Per frame (a frame ends at each Commit): the median and p90 thread time of the rendering phases, and which layers
// were painted how often. The top "Paint" (#document) covers the whole paint, cached rows copied included; a nested
// Paint names a layer repainted on its own, and none is reported inside a layer that itself repaints — so one Paint of
// the scroller a frame means the scroller repainted, with every row in it that was not cached.
const commits = [];
const paints = [];
const phases = ['FireAnimationFrame', 'UpdateLayoutTree', 'Layout', 'PrePaint', 'Paint', 'Layerize', 'Commit'];
const timed = [];
for (const e of events) {
  if (main && (e.pid !== main.pid || e.tid !== main.tid)) continue;
  if (e.ph !== 'X') continue;
  if (e.name === 'Commit') commits.push(e);
  if (e.name === 'Paint') paints.push(e);
  if (phases.includes(e.name) && (e.name !== 'Paint' || e.args?.data?.nodeName === '#document')) timed.push(e);
}
commits.sort((a, b) => a.ts - b.ts);
if (commits.length > 1) {
  const frames = commits.slice(1).map((c, i) => ({ from: commits[i].ts + commits[i].dur, to: c.ts + c.dur, cpu: {} }));
  const frameOf = ts => {
    let lo = 0;
    let hi = frames.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (frames[mid].to < ts) lo = mid + 1; else hi = mid;
    }
    return frames[lo].from <= ts && ts <= frames[lo].to ? frames[lo] : null;
  };
  for (const e of timed) {
    const f = frameOf(e.ts);
    if (f) f.cpu[e.name] = (f.cpu[e.name] ?? 0) + (e.tdur ?? 0) / 1000;
  }
  const q = (xs, p) => xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
  console.log(`\n${frames.length} frames (Commit to Commit); thread ms a frame, median / p90:`);
  for (const name of phases) {
    const xs = frames.map(f => f.cpu[name] ?? 0);
    console.log(`${q(xs, 0.5).toFixed(2).padStart(8)} ${q(xs, 0.9).toFixed(2).padStart(8)}  ${name}`);
  }
  const byLayer = new Map();
  for (const e of paints) byLayer.set(e.args?.data?.nodeName ?? '?', (byLayer.get(e.args?.data?.nodeName ?? '?') ?? 0) + 1);
  console.log('Paint events a frame, by layer:');
  for (const [layer, n] of [...byLayer].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(`${(n / frames.length).toFixed(2).padStart(8)}  ${layer}`);
}
