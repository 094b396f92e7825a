/**
 * `/metrics` in Prometheus text format (0.0.4), with names and labels close to
 * rocketmq-exporter's (`rocketmq_producer_tps`, `rocketmq_producer_message_size`,
 * `rocketmq_consumer_tps`, `rocketmq_consumer_message_size`, `rocketmq_group_diff`,
 * `rocketmq_broker_tps`, `rocketmq_brokeruntime_*`), plus what the exporter cannot see from
 * outside: send and pull latency histograms, store size, flush latency, replication lag,
 * process RSS and event-loop delay. Rates come from the `StatsSampler`'s last two points;
 * counters and histograms from the broker's `BrokerStats` and its store.
 *
 * Runs on: main thread
 * @module
 */
import type { BrokerController } from "../broker/mod.ts";
import { type Labels, MetricWriter } from "./_metric_writer.ts";
import { writeStoreMetrics } from "./_metrics_store.ts";
import { LOOP_DELAY_BUCKETS_S, type StatsSampler } from "./stats_sampler.ts";

function splitKey(key: string): { group: string; topic: string } {
  const at = key.indexOf("@");
  return { group: key.slice(0, at), topic: key.slice(at + 1) };
}

function writeTopicMetrics(w: MetricWriter, base: Labels, sampler: StatsSampler): void {
  const last = sampler.points().at(-1);
  const topics = Object.keys(last?.topicOffsets ?? {}).sort();
  w.family("rocketmq_producer_tps", "gauge", "Messages put per second per topic");
  for (const topic of topics) {
    const rate = sampler.rate((p) => p.topicOffsets[topic]);
    w.sample("rocketmq_producer_tps", { ...base, topic }, rate);
  }
  w.family("rocketmq_producer_message_size", "gauge", "Body bytes put per second per topic");
  for (const topic of topics) {
    const rate = sampler.rate((p) => p.topicPutBytes[topic] ?? 0);
    w.sample("rocketmq_producer_message_size", { ...base, topic }, rate);
  }
  w.family("rocketmq_producer_offset", "counter", "Sum of the max offsets of a topic's queues");
  for (const topic of topics) {
    w.sample("rocketmq_producer_offset", { ...base, topic }, last?.topicOffsets[topic] ?? 0);
  }
}

function writeGroupMetrics(
  w: MetricWriter,
  base: Labels,
  controller: BrokerController,
  sampler: StatsSampler,
): void {
  const last = sampler.points().at(-1);
  const pairs = [
    ...new Set([
      ...Object.keys(last?.groupOffsets ?? {}),
      ...Object.keys(last?.groupGetCount ?? {}),
    ]),
  ].sort();
  w.family("rocketmq_consumer_tps", "gauge", "Messages pulled per second per group and topic");
  for (const key of pairs) {
    const rate = sampler.rate((p) => p.groupGetCount[key] ?? 0);
    w.sample("rocketmq_consumer_tps", { ...base, ...splitKey(key) }, rate);
  }
  w.family("rocketmq_consumer_message_size", "gauge", "Bytes pulled per second per group, topic");
  for (const key of pairs) {
    const rate = sampler.rate((p) => p.groupGetBytes[key] ?? 0);
    w.sample("rocketmq_consumer_message_size", { ...base, ...splitKey(key) }, rate);
  }
  w.family("rocketmq_consumer_offset", "counter", "Sum of a group's committed offsets on a topic");
  for (const key of pairs) {
    const value = last?.groupOffsets[key] ?? 0;
    w.sample("rocketmq_consumer_offset", { ...base, ...splitKey(key) }, value);
  }
  w.family("rocketmq_group_diff", "gauge", "Consumer lag: messages not yet consumed by the group");
  for (const key of pairs) {
    const { group, topic } = splitKey(key);
    const online = controller.consumers.get(group)?.channels.size ?? 0;
    const labels = { ...base, group, topic, countOfOnlineConsumers: online };
    w.sample("rocketmq_group_diff", labels, last?.groupLag[key] ?? 0);
  }
  w.family("rocketmq_group_count", "gauge", "Online consumers of a group");
  for (const group of controller.consumers.groups().sort()) {
    const online = controller.consumers.get(group)?.channels.size ?? 0;
    w.sample("rocketmq_group_count", { ...base, group }, online);
  }
}

function writeBrokerMetrics(
  w: MetricWriter,
  base: Labels,
  controller: BrokerController,
  sampler: StatsSampler,
): void {
  const { stats } = controller;
  w.gauge("rocketmq_broker_tps", "Messages put per second", base, sampler.rate((p) => p.putTotal));
  w.gauge("rocketmq_broker_qps", "Messages got per second", base, sampler.rate((p) => p.getTotal));
  const counters: [string, string, number][] = [
    ["msg_put_total_today_now", "Messages put since start", stats.putMessageCount],
    ["msg_gettotal_today_now", "Messages got since start", stats.getMessageCount],
    ["put_message_size_total", "Body bytes put since start", stats.putMessageBytes],
  ];
  for (const [suffix, help, value] of counters) {
    w.family(`rocketmq_brokeruntime_${suffix}`, "counter", help);
    w.sample(`rocketmq_brokeruntime_${suffix}`, base, value);
  }
  const send = stats.sendLatency();
  const pull = stats.pullLatency();
  w.gauge("rocketmq_brokeruntime_putmessage_entire_time_max", "Slowest send, ms", base, send.maxMs);
  w.gauge("rocketmq_brokeruntime_getmessage_entire_time_max", "Slowest pull, ms", base, pull.maxMs);
  w.histogram("rocketmq_send_latency_seconds", "Time to process a SEND request", base, send);
  w.histogram("rocketmq_pull_latency_seconds", "Time to process a PULL request", base, pull);
  w.gauge(
    "rocketmq_brokeruntime_commitlog_maxoffset",
    "Commit-log bytes written (all shards)",
    base,
    controller.store.maxPhysicalOffset(),
  );
  w.gauge(
    "rocketmq_brokeruntime_boot_timestamp_seconds",
    "Broker start time",
    base,
    stats.bootTimestamp / 1000,
  );
  w.family("rocketmq_connections", "gauge", "Live client connections by kind");
  const consumers = controller.consumers.groups()
    .reduce((n, g) => n + (controller.consumers.get(g)?.channels.size ?? 0), 0);
  const producers = controller.producers.groups()
    .reduce((n, g) => n + controller.producers.channels(g).length, 0);
  w.sample("rocketmq_connections", { ...base, type: "consumer" }, consumers);
  w.sample("rocketmq_connections", { ...base, type: "producer" }, producers);
}

function writeProcessMetrics(w: MetricWriter, sampler: StatsSampler): void {
  const memory = Deno.memoryUsage();
  w.gauge("process_resident_memory_bytes", "Resident memory of the process", {}, memory.rss);
  w.gauge("process_heap_used_bytes", "V8 heap in use", {}, memory.heapUsed);
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
export async function renderMetrics(
  controller: BrokerController,
  sampler: StatsSampler,
): Promise<string> {
  const w = new MetricWriter();
  const { brokerClusterName, brokerName } = controller.settings;
  const base = { cluster: brokerClusterName, broker: brokerName };
  writeBrokerMetrics(w, { ...base, brokerIP: controller.address }, controller, sampler);
  writeTopicMetrics(w, base, sampler);
  writeGroupMetrics(w, base, controller, sampler);
  await writeStoreMetrics(w, { ...base, brokerIP: controller.address }, controller);
  writeProcessMetrics(w, sampler);
  return w.text();
}
