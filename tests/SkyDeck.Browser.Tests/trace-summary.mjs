// Sums a Chromium trace (Playwright's browser.StartTracingAsync, devtools.timeline) by event name on the renderer's
// main thread: count, total and worst ms of the complete events (nested events counted inside their parents too),
// and their thread (CPU) time, which a loaded machine inflates far less than wall time.
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
