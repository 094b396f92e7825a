/**
 * The store and replication part of `/metrics`: file sizes by kind, disk size, free space and
 * used ratio (`rocketmq_brokeruntime_commitlog_disk_ratio` as the exporter names it), commit-log
 * flush latency, and per replication link the bytes a slave is behind and its idle time.
 * A store without figures (the in-memory test store) writes nothing here.
 *
 * Runs on: main thread
 * @module
 */
import type { BrokerController } from "../broker/mod.ts";
import type { Labels, MetricWriter } from "./_metric_writer.ts";

/** Writes the store families of `controller`'s store. */
export async function writeStoreMetrics(
  w: MetricWriter,
  base: Labels,
  controller: BrokerController,
): Promise<void> {
  const m = await controller.store.storeMetrics?.();
  if (m === undefined) return;
  w.family("rocketmq_store_size_bytes", "gauge", "Bytes of store files by kind");
  for (const [kind, bytes] of Object.entries(m.sizeBytes)) {
    w.sample("rocketmq_store_size_bytes", { ...base, kind }, bytes);
  }
  w.gauge(
    "rocketmq_brokeruntime_commitlog_disk_ratio",
    "Used ratio of the disk holding the store",
    base,
    m.diskUsedRatio,
  );
  w.gauge(
    "rocketmq_store_disk_total_bytes",
    "Size of the disk holding the store",
    base,
    m.diskTotalBytes,
  );
  w.gauge(
    "rocketmq_store_disk_free_bytes",
    "Free bytes on the disk holding the store",
    base,
    m.diskFreeBytes,
  );
  w.histogram(
    "rocketmq_store_flush_latency_seconds",
    "Time a commit-log flush (fdatasync) took",
    base,
    m.flushLatency,
  );
  const role = m.role;
  w.gauge(
    "rocketmq_ha_connections",
    "Replication links up (slaves of a master, master of a slave)",
    {
      ...base,
      role,
    },
    m.replicas.length,
  );
  w.family(
    "rocketmq_ha_slave_fall_behind_bytes",
    "gauge",
    "Bytes written on the master a slave has not confirmed (-1 on a slave: unknown there)",
  );
  for (const r of m.replicas) {
    w.sample(
      "rocketmq_ha_slave_fall_behind_bytes",
      { ...base, role, peer: r.address },
      r.behindBytes,
    );
  }
  w.family(
    "rocketmq_ha_peer_idle_seconds",
    "gauge",
    "Time since the replication peer's last frame",
  );
  for (const r of m.replicas) {
    w.sample("rocketmq_ha_peer_idle_seconds", { ...base, role, peer: r.address }, r.idleMs / 1000);
  }
}
