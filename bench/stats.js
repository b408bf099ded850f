// Medians per (label, host count) from the raw samples of bench/run.js.
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Returns Map label -> Map n -> { ms, rssKb, execsMax, renderMs, durationMs, count } (medians; execs and RSS as maxima). */
export function summarize(samples) {
  const groups = new Map();
  for (const s of samples) {
    if (!groups.has(s.label)) groups.set(s.label, new Map());
    const byN = groups.get(s.label);
    if (!byN.has(s.n)) byN.set(s.n, []);
    byN.get(s.n).push(s);
  }
  const out = new Map();
  for (const [label, byN] of groups) {
    const m = new Map();
    for (const [n, xs] of byN) {
      m.set(n, {
        ms: median(xs.map((x) => x.ms)),
        count: xs.length,
        rssKb: Math.max(0, ...xs.map((x) => x.rssKb ?? 0)),
        execsMax: xs[0].execsMax === undefined ? undefined : Math.max(...xs.map((x) => x.execsMax)),
        renderMs: xs[0].renderMs === undefined ? undefined : median(xs.map((x) => x.renderMs)),
        durationMs: xs[0].durationMs === undefined ? undefined : median(xs.map((x) => x.durationMs)),
      });
    }
    out.set(label, m);
  }
  return out;
}
