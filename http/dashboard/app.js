// Dashboard logic: polls the JSON API every few seconds and renders tables and charts.
// The address hash links to a view: #group=G selects a group (lag per queue), and
// topic=T&key=K&id=I&minutes=N runs a message search, view=N opens its N-th result.
"use strict";

const POLL_MS = 3000;
const $ = (sel) => document.querySelector(sel);
const esc = (v) =>
  String(v ?? "").replace(
    /[&<>"]/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c],
  );
let selectedGroup = null;

async function api(path) {
  const res = await fetch(path);
  const body = await res.json();
  if (!res.ok) throw new Error(body.error ?? res.statusText);
  return body;
}

function rows(table, items, cells, onClick) {
  const tbody = $(`${table} tbody`);
  tbody.innerHTML = items.map((it, i) => `<tr data-i="${i}">${cells(it).join("")}</tr>`).join("");
  if (onClick) {
    tbody.querySelectorAll("tr").forEach((tr) =>
      tr.addEventListener("click", () => onClick(items[Number(tr.dataset.i)]))
    );
  }
}

const td = (v) => `<td>${esc(v)}</td>`;
const num = (v, cls = "") => `<td class="num ${cls}">${esc(v)}</td>`;

function renderOverview(cluster) {
  const b = cluster.brokers[0];
  const cards = [
    ["Cluster", cluster.clusterName],
    ["Broker", `${b.brokerName} (id ${b.brokerId})`],
    ["Address", b.address],
    ["Role", b.brokerRole],
    ["Version", b.version],
    ["Uptime", `${Math.floor(b.uptimeMs / 1000)} s`],
    ["Messages put", b.putMessageCount],
    ["Messages got", b.getMessageCount],
    ["Topics", b.topicCount],
    ["Groups online", b.consumerGroupsOnline],
    ["Commit log", `${b.commitLogMaxOffset} B`],
  ];
  $("#overview").innerHTML = cards.map(([k, v]) =>
    `<div class="card"><span class="muted">${esc(k)}</span><b>${esc(v)}</b></div>`
  ).join("");
}

function renderTopics(topics) {
  const all = $("#show-system").checked;
  rows("#topics-table", topics.filter((t) => all || !t.system), (t) => [
    td(t.topicName),
    num(t.readQueueNums),
    num(t.writeQueueNums),
    num(t.perm),
    num(t.messages),
    td(t.consumerGroups.join(", ")),
  ], (t) => {
    $("#search-form").topic.value = t.topicName;
  });
}

function renderGroups(groups) {
  rows("#groups-table", groups, (g) => [
    td(g.groupName),
    num(g.onlineConsumers),
    td(g.messageModel ?? "-"),
    td(g.topics.join(", ")),
    num(g.lag, g.lag > 0 ? "lag-high" : ""),
  ], (g) => {
    selectedGroup = g.groupName;
    setHash({ group: g.groupName });
    void refreshGroup();
  });
}

function setHash(values) {
  const q = new URLSearchParams(location.hash.slice(1));
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined || v === "") q.delete(k);
    else q.set(k, v);
  }
  history.replaceState(null, "", `#${q}`);
}

async function refreshGroup() {
  if (selectedGroup === null) return;
  const g = await api(`/api/groups/${encodeURIComponent(selectedGroup)}`);
  $("#group-title").textContent =
    `${g.groupName}: ${g.connections.length} consumer(s), lag ${g.lag}`;
  rows(
    "#group-queues",
    g.queues,
    (
      q,
    ) => [
      td(q.topic),
      num(q.queueId),
      num(q.brokerOffset),
      num(q.consumerOffset),
      num(q.lag, q.lag > 0 ? "lag-high" : ""),
    ],
  );
}

function renderCharts(stats) {
  const pts = stats.intervalPoints;
  const ts = pts.map((p) => p.t);
  drawLineChart($("#chart-tps"), ts, [
    { cls: "put", values: pts.map((p) => p.putTps) },
    { cls: "get", values: pts.map((p) => p.consumeTps) },
  ]);
  drawLineChart($("#chart-lag"), ts, [{ cls: "lag", values: pts.map((p) => p.lag) }]);
}

async function refresh() {
  try {
    const [cluster, topics, groups, stats] = await Promise.all([
      api("/api/cluster"),
      api("/api/topics"),
      api("/api/groups"),
      api("/api/stats"),
    ]);
    renderOverview(cluster);
    renderTopics(topics);
    renderGroups(groups);
    renderCharts(stats);
    await refreshGroup();
    $("#status").textContent = `updated ${new Date().toLocaleTimeString()}`;
    document.body.dataset.loaded = "true";
  } catch (error) {
    $("#status").textContent = `error: ${error.message}`;
  }
}

function showMessage(m) {
  const body = m.body === undefined ? "" : `\n\n${m.body}`;
  $("#message-view").textContent = `${JSON.stringify({ ...m, body: undefined }, null, 2)}${body}`;
}

async function search(event, viewIndex) {
  event?.preventDefault();
  const f = $("#search-form");
  const q = new URLSearchParams();
  for (const name of ["topic", "key", "id"]) {
    if (f[name].value.trim() !== "") q.set(name, f[name].value.trim());
  }
  setHash({
    topic: f.topic.value.trim(),
    key: f.key.value.trim(),
    id: f.id.value.trim(),
    minutes: f.minutes.value.trim(),
  });
  const minutes = Number(f.minutes.value);
  if (minutes > 0) q.set("begin", String(Date.now() - minutes * 60_000));
  try {
    const found = await api(`/api/messages?${q}`);
    rows(
      "#messages-table",
      found,
      (
        m,
      ) => [
        td(m.msgId),
        td(m.topic),
        td(m.tags ?? ""),
        td(m.keys.join(" ")),
        num(m.queueId),
        num(m.queueOffset),
        td(new Date(m.storeTimestamp).toLocaleString()),
      ],
      (m) => showMessage(m),
    );
    $("#message-view").textContent = `${found.length} message(s) found`;
    if (viewIndex !== undefined && found[viewIndex] !== undefined) showMessage(found[viewIndex]);
    document.body.dataset.searched = "true";
  } catch (error) {
    $("#message-view").textContent = `error: ${error.message}`;
  }
}

function openFromHash() {
  const q = new URLSearchParams(location.hash.slice(1));
  if (q.get("group")) selectedGroup = q.get("group");
  const f = $("#search-form");
  let wanted = false;
  for (const name of ["topic", "key", "id", "minutes"]) {
    if (q.get(name)) {
      f[name].value = q.get(name);
      wanted = true;
    }
  }
  if (wanted) {
    const view = q.get("view");
    void search(undefined, view === null ? undefined : Number(view));
  }
}

$("#search-form").addEventListener("submit", (event) => void search(event));
$("#show-system").addEventListener("change", () => void refresh());
openFromHash();
void refresh();
setInterval(() => void refresh(), POLL_MS);
