/**
 * `MetricWriter`: builds Prometheus text format 0.0.4 one family at a time (HELP and TYPE lines,
 * samples with escaped labels, histograms from a `LatencySnapshot` in seconds).
 *
 * Runs on: main thread
 * @module
 */
import type { LatencySnapshot } from "../common/mod.ts";

/** Label values by name. */
export type Labels = Record<string, string | number>;

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

function labelText(pairs: Labels): string {
  const text = Object.entries(pairs).map(([k, v]) => `${k}="${escapeLabel(String(v))}"`).join(",");
  return text === "" ? "" : `{${text}}`;
}

/** See the module comment. */
export class MetricWriter {
  readonly lines: string[] = [];

  /** Starts a family. */
  family(name: string, type: "gauge" | "counter" | "histogram", help: string): void {
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  }

  /** One sample (non-finite values are written as 0). */
  sample(name: string, pairs: Labels, value: number): void {
    this.lines.push(`${name}${labelText(pairs)} ${Number.isFinite(value) ? value : 0}`);
  }

  /** A family with one gauge sample. */
  gauge(name: string, help: string, pairs: Labels, value: number): void {
    this.family(name, "gauge", help);
    this.sample(name, pairs, value);
  }

  /** A histogram family in seconds from a millisecond snapshot. */
  histogram(name: string, help: string, pairs: Labels, snap: LatencySnapshot): void {
    this.family(name, "histogram", help);
    snap.boundsMs.forEach((boundMs, i) => {
      this.sample(`${name}_bucket`, { ...pairs, le: boundMs / 1000 }, snap.cumulative[i] ?? 0);
    });
    this.sample(`${name}_bucket`, { ...pairs, le: "+Inf" }, snap.count);
    this.sample(`${name}_sum`, pairs, snap.sumMs / 1000);
    this.sample(`${name}_count`, pairs, snap.count);
  }

  /** The whole text. */
  text(): string {
    return `${this.lines.join("\n")}\n`;
  }
}
