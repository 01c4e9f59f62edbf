// Sums a Chromium .cpuprofile (CDP Profiler.stop) by function: self and total ms, the top N by self time.
// Usage: node tests/SkyDeck.Browser.Tests/profile-summary.mjs FILE.cpuprofile [N]
import { readFileSync } from 'node:fs';

const [file, top = '25'] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map(n => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children || []) parent.set(c, n.id);
const selfUs = new Map();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) || 0) + (profile.timeDeltas[i + 1] ?? 0)));
const nameOf = n => {
  const f = n.callFrame;
  const file = f.url ? f.url.split('/').pop() : '';
  return `${f.functionName || '(anonymous)'} ${file}${file ? ':' + (f.lineNumber + 1) : ''}`;
};
const self = new Map();
const total = new Map();
for (const [id, us] of selfUs) {
  const name = nameOf(byId.get(id));
  self.set(name, (self.get(name) || 0) + us);
  const seen = new Set();
  for (let k = id; k !== undefined; k = parent.get(k)) {
    const nm = nameOf(byId.get(k));
    if (seen.has(nm)) continue;
    seen.add(nm);
    total.set(nm, (total.get(nm) || 0) + us);
  }
}
const ms = us => (us / 1000).toFixed(1).padStart(8);
console.log(`${file}: ${((profile.endTime - profile.startTime) / 1000).toFixed(0)} ms profiled`);
console.log('    self    total  function');
for (const [name, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, +top)) console.log(`${ms(us)} ${ms(total.get(name))}  ${name}`);
