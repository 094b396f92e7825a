// deno-lint-ignore-file no-unused-vars
// Tiny inline-SVG line charts for the dashboard (no library, works offline).
"use strict";

/** Draws `series` ([{ cls, values }]) over times `ts` into the SVG element `svg`. */
function drawLineChart(svg, ts, series) {
  const [w, h, left, bottom, top] = [600, 180, 40, 20, 10];
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const n = Math.max(ts.length, 2);
  const x = (i) => left + (i * (w - left - 10)) / (n - 1);
  const y = (v) => top + (h - top - bottom) * (1 - v / max);
  const parts = [
    `<line class="axis" x1="${left}" y1="${y(0)}" x2="${w - 10}" y2="${y(0)}"/>`,
    `<line class="axis" x1="${left}" y1="${top}" x2="${left}" y2="${y(0)}"/>`,
    `<text x="2" y="${top + 8}">${max.toFixed(max < 10 ? 1 : 0)}</text>`,
    `<text x="2" y="${y(0)}">0</text>`,
  ];
  if (ts.length > 0) {
    const first = new Date(ts[0]).toLocaleTimeString();
    const last = new Date(ts[ts.length - 1]).toLocaleTimeString();
    parts.push(`<text x="${left}" y="${h - 4}">${first}</text>`);
    parts.push(`<text x="${w - 70}" y="${h - 4}">${last}</text>`);
  }
  for (const s of series) {
    const points = s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
    parts.push(`<polyline class="${s.cls}" data-points="${s.values.length}" points="${points}"/>`);
  }
  svg.innerHTML = parts.join("");
}
