/**
 * `/metrics` in Prometheus text format (0.0.4), with names and labels close to
 * rocketmq-exporter's (`rocketmq_producer_tps`, `rocketmq_consumer_tps`, `rocketmq_group_diff`,
 * `rocketmq_broker_tps`, `rocketmq_brokeruntime_*`), plus process RSS and event-loop delay.
 * Values come from the controller and the `StatsSampler`'s last two points.
 *
 * Runs on: main thread
 * @module
 */
import type { BrokerController } from "../broker/mod.ts";
import { LOOP_DELAY_BUCKETS_S, type StatsSampler } from "./stats_sampler.ts";

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

function labels(pairs: Record<string, string | number>): string {
  const text = Object.entries(pairs).map(([k, v]) => `${k}="${escapeLabel(String(v))}"`).join(",");
  return text === "" ? "" : `{${text}}`;
}

class MetricWriter {
  readonly lines: string[] = [];

  family(name: string, type: "gauge" | "counter" | "histogram", help: string): void {
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  }

  sample(name: string, pairs: Record<string, string | number>, value: number): void {
    this.lines.push(`${name}${labels(pairs)} ${Number.isFinite(value) ? value : 0}`);
  }
}

function writeTopicMetrics(
  w: MetricWriter,
  controller: BrokerController,
  sampler: StatsSampler,
): void {
  const base = {
    cluster: controller.settings.brokerClusterName,
    broker: controller.settings.brokerName,
  };
  const last = sampler.points().at(-1);
  const topics = Object.keys(last?.topicOffsets ?? {}).sort();
  w.family("rocketmq_producer_tps", "gauge", "Messages put per second per topic");
  for (const topic of topics) {
    w.sample(
      "rocketmq_producer_tps",
      { ...base, topic },
      sampler.rate((p) => p.topicOffsets[topic]),
    );
  }
  w.family("rocketmq_producer_offset", "counter", "Sum of the max offsets of a topic's queues");
  for (const topic of topics) {
    w.sample("rocketmq_producer_offset", { ...base, topic }, last?.topicOffsets[topic] ?? 0);
  }
  const pairs = Object.keys(last?.groupOffsets ?? {}).sort();
  const split = (key: string) => {
    const at = key.indexOf("@");
    return { group: key.slice(0, at), topic: key.slice(at + 1) };
  };
  w.family(
    "rocketmq_consumer_tps",
    "gauge",
    "Messages consumed (offset committed) per second per group and topic",
  );
  for (const key of pairs) {
    w.sample(
      "rocketmq_consumer_tps",
      { ...base, ...split(key) },
      sampler.rate((p) => p.groupOffsets[key]),
    );
  }
  w.family(
    "rocketmq_consumer_offset",
    "counter",
    "Sum of the committed offsets of a group on a topic",
  );
  for (const key of pairs) {
    w.sample("rocketmq_consumer_offset", { ...base, ...split(key) }, last?.groupOffsets[key] ?? 0);
  }
  w.family("rocketmq_group_diff", "gauge", "Consumer lag: messages not yet consumed by the group");
  for (const key of pairs) {
    const { group, topic } = split(key);
    const online = controller.consumers.get(group)?.channels.size ?? 0;
    w.sample(
      "rocketmq_group_diff",
      { ...base, group, topic, countOfOnlineConsumers: online },
      last?.groupLag[key] ?? 0,
    );
  }
  w.family("rocketmq_group_count", "gauge", "Online consumers of a group");
  for (const group of controller.consumers.groups().sort()) {
    w.sample(
      "rocketmq_group_count",
      { ...base, group },
      controller.consumers.get(group)?.channels.size ?? 0,
    );
  }
}

function writeBrokerMetrics(
  w: MetricWriter,
  controller: BrokerController,
  sampler: StatsSampler,
): void {
  const base = {
    cluster: controller.settings.brokerClusterName,
    brokerIP: controller.address,
    broker: controller.settings.brokerName,
  };
  w.family("rocketmq_broker_tps", "gauge", "Messages put per second on the broker");
  w.sample("rocketmq_broker_tps", base, sampler.rate((p) => p.putTotal));
  w.family("rocketmq_broker_qps", "gauge", "Messages got per second on the broker");
  w.sample("rocketmq_broker_qps", base, sampler.rate((p) => p.getTotal));
  w.family("rocketmq_brokeruntime_msg_put_total_today_now", "counter", "Messages put since start");
  w.sample("rocketmq_brokeruntime_msg_put_total_today_now", base, controller.stats.putMessageCount);
  w.family("rocketmq_brokeruntime_msg_gettotal_today_now", "counter", "Messages got since start");
  w.sample("rocketmq_brokeruntime_msg_gettotal_today_now", base, controller.stats.getMessageCount);
  w.family(
    "rocketmq_brokeruntime_commitlog_maxoffset",
    "gauge",
    "Commit-log bytes written (all shards)",
  );
  w.sample("rocketmq_brokeruntime_commitlog_maxoffset", base, controller.store.maxPhysicalOffset());
  w.family("rocketmq_brokeruntime_boot_timestamp_seconds", "gauge", "Broker start time");
  w.sample(
    "rocketmq_brokeruntime_boot_timestamp_seconds",
    base,
    controller.stats.bootTimestamp / 1000,
  );
  w.family("rocketmq_connections", "gauge", "Live client connections by kind");
  const consumerChannels = controller.consumers.groups().reduce(
    (n, g) => n + (controller.consumers.get(g)?.channels.size ?? 0),
    0,
  );
  const producerChannels = controller.producers.groups().reduce(
    (n, g) => n + controller.producers.channels(g).length,
    0,
  );
  w.sample("rocketmq_connections", { ...base, type: "consumer" }, consumerChannels);
  w.sample("rocketmq_connections", { ...base, type: "producer" }, producerChannels);
}

function writeProcessMetrics(w: MetricWriter, sampler: StatsSampler): void {
  w.family("process_resident_memory_bytes", "gauge", "Resident memory of the broker process");
  w.sample("process_resident_memory_bytes", {}, Deno.memoryUsage().rss);
  w.family("process_heap_used_bytes", "gauge", "V8 heap in use");
  w.sample("process_heap_used_bytes", {}, Deno.memoryUsage().heapUsed);
  const loop = sampler.loopDelay();
  const name = "rocketmq_process_event_loop_delay_seconds";
  w.family(name, "histogram", "How late a 500 ms timer fired on the main thread");
  LOOP_DELAY_BUCKETS_S.forEach((bound, i) =>
    w.sample(`${name}_bucket`, { le: bound }, loop.buckets[i] ?? 0)
  );
  w.sample(`${name}_bucket`, { le: "+Inf" }, loop.count);
  w.sample(`${name}_sum`, {}, loop.sumS);
  w.sample(`${name}_count`, {}, loop.count);
}

/** The whole exposition text. */
export function renderMetrics(controller: BrokerController, sampler: StatsSampler): string {
  const w = new MetricWriter();
  writeBrokerMetrics(w, controller, sampler);
  writeTopicMetrics(w, controller, sampler);
  writeProcessMetrics(w, sampler);
  return `${w.lines.join("\n")}\n`;
}
