// The lab console's page: plain DOM and fetch, no dependency.
"use strict";
const $ = (s, el = document) => el.querySelector(s);
const h = (tag, attrs = {}, ...kids) => {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null) el.setAttribute(k, v);
  }
  for (const k of kids.flat()) if (k !== null && k !== undefined) el.append(k.nodeType ? k : String(k));
  return el;
};
const SVG = "http://www.w3.org/2000/svg";
const s = (tag, attrs = {}, ...kids) => {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  for (const k of kids) el.append(k.nodeType ? k : String(k));
  return el;
};
const enc = encodeURIComponent;

// api fetches JSON; a refusal throws the service's own message.
async function api(path, opts = {}) {
  const r = await fetch(path, opts);
  const text = await r.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch (e) { body = text; }
  if (!r.ok) {
    const msg = body && body.message ? body.message : text;
    const err = new Error(`${r.status}${body && body.error_code ? " (error_code " + body.error_code + ")" : ""}: ${msg}`);
    err.status = r.status;
    throw err;
  }
  return body;
}
const ksql = (stmt) => api("/api/ksqldb/ksql", { method: "POST", headers: { "Content-Type": "application/vnd.ksql.v1+json" }, body: JSON.stringify({ ksql: stmt, streamsProperties: {} }) });

// Tabs.
const tabs = {};
// A hash is a tab's name, optionally followed by "/" and what to open in it
// (#groups/<group>).
function show(hash) {
  let [name, ...rest] = hash.split("/");
  const arg = rest.length ? decodeURIComponent(rest.join("/")) : "";
  name = tabs[name] ? name : "pipeline";
  document.querySelectorAll(".tab").forEach((t) => t.classList.toggle("active", t.id === "tab-" + name));
  document.querySelectorAll("nav a").forEach((a) => a.classList.toggle("active", a.dataset.tab === name));
  tabs[name](arg);
}
window.addEventListener("hashchange", () => show(location.hash.slice(1)));

// Pipeline: columns by stage, drawn as SVG from /api/pipeline every second.
const fmtRate = (r) => (r ? (r.per_second >= 10 ? r.per_second.toFixed(0) : r.per_second.toFixed(1)) + "/s" : "");
let pipelineTimer = null;
// collapse draws topics that share a name up to their last dot, when more
// than five do (the arrivals topics, one per station), as one node "prefix.*"
// with their producers as one, summing end offsets and rates; edges between
// the same two drawn nodes are merged, their rates and lags summed.
function collapse(p) {
  const families = {};
  for (const n of p.nodes) if (n.kind === "topic" && n.name.includes(".")) {
    const f = n.name.slice(0, n.name.lastIndexOf(".")) + ".*";
    (families[f] = families[f] || []).push(n);
  }
  const to = {};
  const nodes = [];
  for (const [f, members] of Object.entries(families)) {
    if (members.length <= 5) continue;
    const sum = (get) => members.reduce((a, n) => a + (get(n) || 0), 0);
    const rate = { per_second: sum((n) => n.rate && n.rate.per_second) };
    nodes.push({ id: "topics:" + f, kind: "topics", name: f + " (" + members.length + " topics)", column: members[0].column, partitions: sum((n) => n.partitions), end_offset: sum((n) => n.end_offset), rate });
    nodes.push({ id: "producers:" + f, kind: "producer", name: "producers of " + f, column: 0 });
    for (const n of members) { to[n.id] = "topics:" + f; to["producer:" + n.name] = "producers:" + f; }
  }
  if (!nodes.length) return p;
  const merged = {};
  for (const e of p.edges) {
    const from = to[e.from] || e.from, dest = to[e.to] || e.to, k = from + "\u0000" + dest;
    const m = merged[k] || (merged[k] = { from, to: dest, rate: null, lag: null });
    if (e.rate) m.rate = { per_second: (m.rate ? m.rate.per_second : 0) + e.rate.per_second };
    if (e.lag != null) m.lag = (m.lag || 0) + e.lag;
  }
  return { ...p, nodes: p.nodes.filter((n) => !to[n.id]).concat(nodes), edges: Object.values(merged) };
}
async function drawPipeline() {
  let p;
  try { p = await api("/api/pipeline"); } catch (e) { $("#problems").replaceChildren(h("div", {}, e.message)); return; }
  if (!$("#expand").checked) p = collapse(p);
  p.nodes.sort((a, b) => a.column - b.column || (a.kind === "topics" ? -1 : b.kind === "topics" ? 1 : 0) || a.name.localeCompare(b.name));
  drawServices(p.services);
  $("#problems").replaceChildren(...p.problems.map((x) => h("div", {}, x)));
  const W = 230, H = 40, GX = 90, GY = 12;
  const pos = {}, rows = {};
  for (const n of p.nodes) {
    const r = rows[n.column] || 0;
    rows[n.column] = r + 1;
    pos[n.id] = { x: 10 + n.column * (W + GX), y: 10 + r * (H + GY) };
  }
  const svg = $("#pipeline");
  const maxRows = Math.max(1, ...Object.values(rows));
  const cols = Math.max(1, ...p.nodes.map((n) => n.column + 1));
  svg.setAttribute("width", cols * (W + GX) + 20);
  svg.setAttribute("height", maxRows * (H + GY) + 20);
  const edges = s("g");
  for (const e of p.edges) {
    const a = pos[e.from], b = pos[e.to];
    if (!a || !b) continue;
    const x1 = a.x + W, y1 = a.y + H / 2, x2 = b.x, y2 = b.y + H / 2, mx = (x1 + x2) / 2;
    const label = [fmtRate(e.rate), e.lag != null && e.lag > 0 ? "lag " + e.lag : ""].filter(Boolean).join(" · ");
    edges.append(s("g", { class: "edge", "data-from": e.from, "data-to": e.to, "data-active": e.rate && e.rate.per_second > 0 ? "true" : "false",
      "data-rate": e.rate ? e.rate.per_second : "", "data-lag": e.lag != null ? e.lag : "" },
      s("path", { d: `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}` }),
      s("text", { x: x2 - 4, y: y2 - 3, "text-anchor": "end" }, label)));
  }
  const nodes = s("g");
  for (const n of p.nodes) {
    const { x, y } = pos[n.id];
    let sub = n.kind;
    if (n.kind === "topic" || n.kind === "topics") sub = `${n.partitions || "?"}p · end ${n.end_offset ?? "?"} · ${fmtRate(n.rate) || "0/s"}`;
    if (n.kind === "group") sub = `group · ${n.state || ""} · ${n.members} members · lag ${n.lag ?? "?"}`;
    if (n.kind === "connector" || n.kind === "query") sub = `${n.kind} · ${n.state || ""}`;
    const bad = /FAILED|PAUSED|ERROR|UNASSIGNED/.test(n.state || "");
    const name = n.name.length > 36 ? "…" + n.name.slice(-35) : n.name;
    const g = s("g", { class: "node", "data-id": n.id, "data-kind": n.kind, "data-name": n.name, "data-state": n.state || "", "data-bad": bad,
      "data-end-offset": n.end_offset ?? "", "data-rate": n.rate ? n.rate.per_second : "", transform: `translate(${x},${y})` },
      s("title", {}, n.name + (n.detail ? "\n" + n.detail : "")),
      s("rect", { width: W, height: H }),
      s("text", { x: 8, y: 16 }, name),
      s("text", { x: 8, y: 32, class: "sub" }, sub));
    if (n.kind === "topic") g.addEventListener("click", () => { location.hash = "topics"; openTopic(n.name); });
    if (n.kind === "group") g.addEventListener("click", () => { location.hash = "groups/" + enc(n.name); });
    nodes.append(g);
  }
  svg.replaceChildren(edges, nodes);
  svg.dataset.sampledAt = p.sampled_at;
}
tabs.pipeline = () => {
  clearInterval(pipelineTimer);
  drawPipeline();
  pipelineTimer = setInterval(() => { if (location.hash === "" || location.hash === "#pipeline") drawPipeline(); }, 1000);
};
function drawServices(services) {
  $("#services").replaceChildren(...Object.keys(services).sort().map((k) =>
    h("span", { "data-service": k, "data-up": services[k].up, title: services[k].error || services[k].url }, k + (services[k].up ? " up" : " down"))));
}

// Faults: buttons where the lab offers them, else a disabled one saying why.
async function loadFaults() {
  const f = await api("/api/faults");
  const el = $("#faults");
  if (!f.faults.length) {
    el.replaceChildren(h("button", { disabled: "", title: f.why, "data-fault": "none" }, "Faults unavailable"));
    return;
  }
  el.replaceChildren(...f.faults.map((x) => h("button", { "data-fault": x.name, onclick: async (ev) => {
    ev.target.disabled = true; ev.target.textContent = x.label + "…";
    try { await api("/api/faults/" + enc(x.name), { method: "POST" }); ev.target.dataset.done = "true"; }
    catch (e) { alert(e.message); }
    ev.target.disabled = false; ev.target.textContent = x.label;
  } }, x.label)));
}

// Topics.
let tail = null;
tabs.topics = async () => {
  const list = await api("/api/topics");
  const internal = $("#show-internal").checked;
  $("#topic-list tbody").replaceChildren(...list.filter((t) => internal || !t.internal).map((t) =>
    h("tr", { "data-topic": t.name, onclick: () => openTopic(t.name) }, h("td", {}, t.name), h("td", {}, t.partitions), h("td", {}, t.records))));
};
$("#show-internal").addEventListener("change", () => tabs.topics());
$("#create-topic").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const f = new FormData(ev.target);
  try { await api("/api/topics", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ name: f.get("name"), partitions: +f.get("partitions") }) }); ev.target.reset(); tabs.topics(); }
  catch (e) { alert(e.message); }
});
const sideCell = (sd) => h("td", { class: "mono", title: "raw: " + sd.raw, "data-format": sd.format || "", "data-schema-id": sd.schema_id || "" },
  sd.error ? h("span", { class: "error" }, sd.error) : sd.text);
function messageRow(m) {
  return h("tr", { class: "msg", "data-offset": m.offset },
    h("td", {}, m.partition), h("td", {}, m.offset), h("td", {}, m.timestamp),
    sideCell(m.key), sideCell(m.value),
    h("td", { class: "schema-id" }, [m.key.schema_id, m.value.schema_id].map((x) => x || "–").join(" / ")),
    h("td", { class: "mono" }, m.headers.map((x) => x.key + "=" + x.value).join("\n")),
    h("td", { class: "mono raw" }, m.value.raw.length > 200 ? m.value.raw.slice(0, 200) + "…" : m.value.raw));
}
async function openTopic(name) {
  if (tail) { tail.close(); tail = null; }
  const el = $("#topic-detail");
  let d;
  try { d = await api("/api/topics/" + enc(name)); } catch (e) { el.replaceChildren(h("div", { class: "error" }, e.message)); return; }
  const msgs = h("tbody");
  const form = h("form", { id: "browse" },
    h("select", { name: "from" }, ["beginning", "end", "offset", "timestamp"].map((x) => h("option", {}, x))),
    h("input", { name: "at", placeholder: "offset or time (RFC 3339 / ms)" }),
    h("input", { name: "partition", placeholder: "partition", size: 6 }),
    h("input", { name: "filter", placeholder: "key or value contains" }),
    h("input", { name: "limit", type: "number", value: 50, min: 1, max: 500 }),
    h("button", {}, "Browse"),
    h("button", { type: "button", id: "tail", onclick: (ev) => {
      if (tail) { tail.close(); tail = null; ev.target.textContent = "Live tail"; return; }
      tail = new EventSource("/api/topics/" + enc(name) + "/tail");
      ev.target.textContent = "Stop tail";
      tail.addEventListener("record", (e) => msgs.prepend(messageRow(JSON.parse(e.data))));
      tail.addEventListener("error", () => {});
    } }, "Live tail"));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const f = new FormData(form), q = new URLSearchParams({ from: f.get("from"), limit: f.get("limit") });
    if (f.get("from") === "offset") q.set("offset", f.get("at"));
    if (f.get("from") === "timestamp") q.set("timestamp", f.get("at"));
    if (f.get("partition")) q.set("partition", f.get("partition"));
    if (f.get("filter")) q.set("filter", f.get("filter"));
    try {
      const r = await api("/api/topics/" + enc(name) + "/messages?" + q);
      msgs.replaceChildren(...r.messages.map(messageRow));
      form.dataset.loaded = r.messages.length;
    } catch (e) { msgs.replaceChildren(h("tr", {}, h("td", { class: "error", colspan: 8 }, e.message))); }
  });
  el.replaceChildren(
    h("h2", { id: "topic-name" }, name, " ", h("button", { onclick: async () => {
      if (!confirm("Delete topic " + name + "?")) return;
      try { await api("/api/topics/" + enc(name), { method: "DELETE" }); el.replaceChildren(); tabs.topics(); } catch (e) { alert(e.message); }
    } }, "Delete")),
    h("table", {}, h("thead", {}, h("tr", {}, ["Partition", "Leader", "Start", "End", "Size"].map((x) => h("th", {}, x)))),
      h("tbody", {}, d.partitions.map((p) => h("tr", {}, h("td", {}, p.partition), h("td", {}, p.leader), h("td", {}, p.start_offset), h("td", {}, p.end_offset), h("td", {}, p.size_bytes ?? (d.size_error ? "n/a" : "")))))),
    d.size_error ? h("div", { class: "hint" }, "sizes: " + d.size_error) : null,
    h("div", { id: "topic-groups" }, "Consumer groups: ", d.groups.length ? d.groups.flatMap((g, i) => [i ? ", " : "", h("a", { href: "#groups/" + enc(g), "data-group": g }, g)]) : "none with committed offsets"),
    h("details", {}, h("summary", {}, "Configs"), h("pre", {}, Object.entries(d.configs).sort().map(([k, v]) => k + "=" + v).join("\n"))),
    form,
    h("table", { id: "messages" }, h("thead", {}, h("tr", {}, ["P", "Offset", "Timestamp", "Key", "Value", "Schema ids (key / value)", "Headers", "Raw value (hex)"].map((x) => h("th", {}, x)))), msgs));
  form.requestSubmit();
}

// Consumer groups: the list from the sampler, a group's members,
// partitions and lag over time, and offset reset for an empty group.
let groupTimer = null, openGroupName = "";
tabs.groups = async (arg) => {
  clearInterval(groupTimer);
  if (arg) openGroup(arg);
  else if (!openGroupName) $("#group-detail").replaceChildren(h("div", { class: "hint" }, "Pick a group."));
  await drawGroupList();
  groupTimer = setInterval(() => {
    if (!location.hash.startsWith("#groups")) return;
    drawGroupList();
    if (openGroupName) drawGroup(openGroupName);
  }, 2000);
};
$("#show-internal-groups").addEventListener("change", () => drawGroupList());
async function drawGroupList() {
  let list;
  try { list = await api("/api/groups"); } catch (e) { $("#group-list tbody").replaceChildren(h("tr", {}, h("td", { class: "error", colspan: 4 }, e.message))); return; }
  const internal = $("#show-internal-groups").checked;
  $("#group-list tbody").replaceChildren(...list.filter((g) => internal || !g.name.startsWith("_")).map((g) =>
    h("tr", { "data-group": g.name, "data-state": g.state, class: g.name === openGroupName ? "sel" : "", onclick: () => { location.hash = "groups/" + enc(g.name); } },
      h("td", {}, g.name, g.protocol_type && g.protocol_type !== "consumer" ? h("small", {}, " (" + g.protocol_type + ")") : ""),
      h("td", {}, g.state), h("td", {}, g.members), h("td", {}, g.error ? h("span", { class: "error", title: g.error }, "?") : g.lag))));
}
// sparkline draws the lag samples as a polyline scaled to its box.
function sparkline(samples) {
  const W = 320, H = 48;
  if (samples.length < 2) return h("div", { class: "hint", id: "lag-history" }, "lag over time: not enough samples yet");
  const max = Math.max(...samples.map((x) => x.lag)), top = Math.max(1, max) * 1.25;
  const t0 = Date.parse(samples[0].at), span = Math.max(1, Date.parse(samples[samples.length - 1].at) - t0);
  const pts = samples.map((x) => `${((Date.parse(x.at) - t0) / span * W).toFixed(1)},${(H - x.lag / top * (H - 4) - 2).toFixed(1)}`).join(" ");
  const svg = s("svg", { class: "spark", width: W, height: H, viewBox: `0 0 ${W} ${H}` }, s("polyline", { points: pts }));
  const last = samples[samples.length - 1];
  return h("div", { id: "lag-history", "data-samples": samples.length }, svg,
    h("span", { class: "hint" }, ` lag ${last.lag} now · max ${max} over the last ${Math.round(span / 1000)} s (${samples.length} samples)`));
}
const dash = (v) => (v === undefined || v === null ? "-" : v);
async function drawGroup(name) {
  const body = $("#group-body");
  if (!body || openGroupName !== name) return;
  let d;
  try { d = await api("/api/groups/" + enc(name)); } catch (e) { body.replaceChildren(h("div", { class: "error" }, e.message)); return; }
  if (openGroupName !== name) return;
  body.dataset.state = d.state;
  body.replaceChildren(
    h("div", {}, `state ${d.state} · protocol ${d.protocol_type || "-"}/${d.protocol || "-"} · coordinator ${d.coordinator} · ${d.members.length} member${d.members.length === 1 ? "" : "s"}`),
    sparkline(d.history),
    h("h3", {}, "Members"),
    d.members.length ? h("table", {}, h("thead", {}, h("tr", {}, ["Member", "Client id", "Host", "Assignments"].map((x) => h("th", {}, x)))),
      h("tbody", {}, d.members.map((m) => h("tr", { class: "member", "data-member": m.member_id },
        h("td", { class: "mono" }, m.member_id), h("td", {}, m.client_id), h("td", {}, m.host),
        h("td", {}, Object.keys(m.assignments).sort().map((t) => t + " [" + m.assignments[t].join(",") + "]").join("; ")))))) : h("div", { class: "hint" }, "no active members"),
    h("h3", {}, "Partitions"),
    h("table", {}, h("thead", {}, h("tr", {}, ["Topic", "Partition", "Committed", "End", "Lag", "Consumer"].map((x) => h("th", {}, x)))),
      h("tbody", {}, d.partitions.map((p) => h("tr", { class: "partition", "data-topic": p.topic, "data-partition": p.partition },
        h("td", {}, h("a", { href: "#topics", onclick: () => openTopic(p.topic) }, p.topic)), h("td", {}, p.partition),
        h("td", { class: "committed" }, dash(p.committed)), h("td", { class: "end" }, dash(p.end)), h("td", { class: "lag" }, dash(p.lag)),
        h("td", { title: p.error || "" }, p.client_id ? p.client_id + " @ " + p.host : "-"))))));
}
function openGroup(name) {
  openGroupName = name;
  const to = h("select", { id: "reset-to" }, ["earliest", "latest", "offset"].map((x) => h("option", {}, x)));
  const offset = h("input", { id: "reset-offset", type: "number", placeholder: "offset (for \"offset\")", size: 10 });
  const topic = h("input", { id: "reset-topic", placeholder: "topic (default: all committed)" });
  const result = h("div", { id: "reset-result" });
  const go = h("button", { id: "reset-go", onclick: async () => {
    const body = { to: to.value };
    if (to.value === "offset") body.offset = Number(offset.value);
    if (topic.value) body.topic = topic.value;
    if (!confirm(`Reset the offsets of group ${name} to ${to.value === "offset" ? offset.value : to.value}?`)) return;
    try {
      const r = await api("/api/groups/" + enc(name) + "/reset", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
      result.replaceChildren(h("div", { class: "ok" }, "reset " + r.offsets.map((o) => `${o.topic}-${o.partition} → ${o.offset}`).join(", ")), ...r.notes.map((x) => h("div", { class: "hint" }, x)));
      drawGroup(name);
    } catch (e) { result.replaceChildren(h("div", { class: "error" }, e.message)); }
    result.dataset.done = Date.now();
  } }, "Reset offsets");
  $("#group-detail").replaceChildren(h("h2", { id: "group-name" }, name), h("div", { id: "group-body" }),
    h("h3", {}, "Reset offsets"),
    h("div", { class: "hint" }, "As kafka-consumer-groups --reset-offsets --execute: only a group with no active members (Empty) is reset."),
    h("form", { id: "reset", onsubmit: (ev) => ev.preventDefault() }, to, " ", offset, " ", topic, " ", go), result);
  drawGroup(name);
}

// Connect: redrawn every 2 s while shown, as actions take effect
// asynchronously.
let connectTimer = null;
tabs.connect = () => {
  clearInterval(connectTimer);
  drawConnect();
  connectTimer = setInterval(() => { if (location.hash === "#connect") drawConnect(); }, 2000);
};
// connectNotes keeps the last offsets action's answer per connector, so
// that it survives the redraws.
const connectNotes = {};
// offsetsView shows a connector's offsets as GET /connectors/{name}/offsets
// (KIP-875) answers them: one row per source partition (or Kafka
// partition, for a sink connector) with its offset.
function offsetsView(name, r) {
  if (r.error) return h("div", { class: "error offsets-error" }, "offsets: " + r.error);
  const rows = r.body.offsets || [];
  if (!rows.length) return h("div", { class: "hint offsets-none", "data-connector": name }, "no committed offsets");
  return h("table", { class: "offsets" }, h("thead", {}, h("tr", {}, h("th", {}, "Partition"), h("th", {}, "Offset"))),
    h("tbody", {}, rows.map((o) => h("tr", { class: "offset" }, h("td", { class: "mono partition" }, JSON.stringify(o.partition)), h("td", { class: "mono offset" }, JSON.stringify(o.offset))))));
}
async function drawConnect() {
  const el = $("#connectors");
  let all;
  try { all = await api("/api/connect/connectors?expand=status&expand=info"); } catch (e) { el.replaceChildren(h("div", { class: "error" }, e.message)); return; }
  const names = Object.keys(all).sort();
  const offsets = await Promise.all(names.map((name) => api("/api/connect/connectors/" + enc(name) + "/offsets").then((body) => ({ body }), (e) => ({ error: e.message }))));
  const act = (name, method, path) => async () => {
    try { await api("/api/connect/connectors/" + enc(name) + path, { method }); } catch (e) { alert(e.message); }
    setTimeout(drawConnect, 300);
  };
  // Resetting offsets is allowed by Connect only on a STOPPED connector;
  // its refusal is shown as Connect words it.
  const resetOffsets = (name) => async () => {
    if (!confirm("Reset the offsets of connector " + name + "?")) return;
    try {
      const r = await api("/api/connect/connectors/" + enc(name) + "/offsets", { method: "DELETE" });
      connectNotes[name] = { ok: true, text: r && r.message ? r.message : "offsets reset" };
    } catch (e) { connectNotes[name] = { ok: false, text: e.message }; }
    connectNotes[name].at = Date.now();
    drawConnect();
  };
  el.replaceChildren(...names.map((name, i) => {
    const c = all[name], st = c.status, note = connectNotes[name];
    return h("div", { class: "card connector", "data-connector": name, "data-state": st.connector.state },
      h("h3", {}, name, " ", h("span", { class: "state-" + st.connector.state }, st.connector.state), " ", h("small", {}, c.info.config["connector.class"])),
      h("div", {}, h("button", { onclick: act(name, "PUT", "/pause") }, "Pause"), " ", h("button", { onclick: act(name, "PUT", "/resume") }, "Resume"), " ",
        h("button", { "data-action": "restart", onclick: act(name, "POST", "/restart?includeTasks=true") }, "Restart"), " ",
        h("button", { "data-action": "stop", onclick: act(name, "PUT", "/stop") }, "Stop"), " ",
        h("button", { onclick: () => confirm("Delete connector " + name + "?") && act(name, "DELETE", "")() }, "Delete")),
      h("table", {}, h("tbody", {}, st.tasks.map((t) => h("tr", { class: "task", "data-state": t.state }, h("td", {}, "task " + t.id), h("td", { class: "state-" + t.state }, t.state), h("td", {}, t.worker_id),
        h("td", {}, t.trace ? h("pre", { class: "error" }, t.trace) : ""))))),
      h("h4", {}, "Offsets ", h("button", { "data-action": "reset-offsets", title: "Connect resets the offsets of a STOPPED connector only", onclick: resetOffsets(name) }, "Reset offsets")),
      note ? h("div", { class: "offsets-result " + (note.ok ? "ok" : "error"), "data-at": note.at }, note.text) : null,
      offsetsView(name, offsets[i]),
      h("details", {}, h("summary", {}, "Config"), h("pre", {}, JSON.stringify(c.info.config, null, 2))));
  }));
}

// ksqlDB: sources, editor, push queries streamed from /query-stream.
let running = null;
const history = () => JSON.parse(localStorage.getItem("ksql-history") || "[]");
function drawHistory() {
  $("#ksql-history").replaceChildren(...history().map((x) => h("li", { onclick: () => { $("#ksql-editor").value = x; } }, x)));
}
tabs.ksqldb = async () => {
  drawHistory();
  try {
    const [st, tb, q] = await ksql("SHOW STREAMS; SHOW TABLES; SHOW QUERIES;");
    $("#ksql-sources").replaceChildren(
      h("h3", {}, "Streams"), h("ul", {}, st.streams.map((x) => h("li", { "data-stream": x.name }, `${x.name} ← ${x.topic} (${x.valueFormat})`))),
      h("h3", {}, "Tables"), h("ul", {}, tb.tables.map((x) => h("li", { "data-table": x.name }, `${x.name} ← ${x.topic} (${x.valueFormat})`))),
      h("h3", {}, "Queries"), h("ul", {}, q.queries.map((x) => h("li", { "data-query": x.id, title: x.queryString }, `${x.id} ${x.state || ""} → ${(x.sinks || []).join(", ")}`))));
  } catch (e) { $("#ksql-sources").replaceChildren(h("div", { class: "error" }, e.message)); }
};
function table(headers, rows) {
  return h("table", { class: "ksql-table" }, h("thead", {}, h("tr", {}, headers.map((x) => h("th", {}, x)))), h("tbody", {}, rows.map((r) => h("tr", {}, r.map((c) => h("td", { class: "mono" }, typeof c === "object" ? JSON.stringify(c) : c))))));
}
function entityView(e) {
  for (const k of ["streams", "tables", "queries", "topics"]) if (Array.isArray(e[k])) {
    const rows = e[k];
    const keys = rows.length ? Object.keys(rows[0]).filter((x) => typeof rows[0][x] !== "object" || x === "sinks") : ["(none)"];
    return table(keys, rows.map((r) => keys.map((x) => r[x])));
  }
  if (e.sourceDescription) {
    const d = e.sourceDescription;
    return h("div", {}, h("div", {}, `${d.type} ${d.name} on ${d.topic} (${d.keyFormat}/${d.valueFormat})`), table(["Field", "Type"], d.fields.map((f) => [f.name, f.schema.type])));
  }
  if (e.commandStatus) return h("div", { class: "status" }, e.commandStatus.status + ": " + e.commandStatus.message);
  return h("pre", {}, JSON.stringify(e, null, 2));
}
$("#ksql-run").addEventListener("click", async () => {
  const stmt = $("#ksql-editor").value.trim();
  if (!stmt) return;
  const hist = [stmt, ...history().filter((x) => x !== stmt)].slice(0, 50);
  localStorage.setItem("ksql-history", JSON.stringify(hist));
  drawHistory();
  const out = $("#ksql-result");
  out.replaceChildren();
  if (/^select\b/i.test(stmt)) return pushQuery(stmt, out);
  try {
    const ents = await ksql(stmt.endsWith(";") ? stmt : stmt + ";");
    out.replaceChildren(...ents.map(entityView));
    out.dataset.done = Date.now();
    tabs.ksqldb();
  } catch (e) { out.replaceChildren(h("div", { class: "error" }, e.message)); out.dataset.done = Date.now(); }
});
async function pushQuery(stmt, out) {
  const ctl = new AbortController();
  running = ctl;
  $("#ksql-stop").disabled = false;
  const tbody = h("tbody");
  try {
    const r = await fetch("/api/ksqldb/query-stream", { method: "POST", signal: ctl.signal,
      headers: { "Content-Type": "application/vnd.ksqlapi.delimited.v1", Accept: "application/vnd.ksqlapi.delimited.v1" },
      body: JSON.stringify({ sql: stmt.endsWith(";") ? stmt : stmt + ";", properties: { "auto.offset.reset": $("#ksql-reset").value } }) });
    if (!r.ok) { const b = await r.json().catch(() => ({})); throw new Error(`${r.status}: ${b.message || r.statusText}`); }
    const reader = r.body.getReader(), dec = new TextDecoder();
    let buf = "", header = null;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += dec.decode(value, { stream: true });
      let i;
      while ((i = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, i).trim(); buf = buf.slice(i + 1);
        if (!line) continue;
        const v = JSON.parse(line);
        if (!header) {
          header = v;
          out.replaceChildren(h("div", {}, "query " + (v.queryId || "")), h("table", { class: "ksql-table push" }, h("thead", {}, h("tr", {}, v.columnNames.map((x) => h("th", {}, x)))), tbody));
        } else if (Array.isArray(v)) tbody.append(h("tr", { class: "row" }, v.map((c) => h("td", { class: "mono" }, typeof c === "object" ? JSON.stringify(c) : c))));
        else if (v.message) out.append(h("div", { class: "error" }, v.message));
      }
    }
  } catch (e) { if (e.name !== "AbortError") out.append(h("div", { class: "error" }, e.message)); }
  $("#ksql-stop").disabled = true;
  running = null;
}
$("#ksql-stop").addEventListener("click", () => running && running.abort());

// Schemas: subjects, versions, diff, compatibility.
function lineDiff(a, b) {
  const x = a.split("\n"), y = b.split("\n"), n = x.length, m = y.length;
  const L = Array.from({ length: n + 1 }, () => new Array(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) L[i][j] = x[i] === y[j] ? L[i + 1][j + 1] + 1 : Math.max(L[i + 1][j], L[i][j + 1]);
  const out = [];
  let i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && x[i] === y[j]) { out.push(h("div", {}, "  " + x[i])); i++; j++; }
    else if (j < m && (i >= n || L[i][j + 1] >= L[i + 1][j])) { out.push(h("div", { class: "add" }, "+ " + y[j])); j++; }
    else { out.push(h("div", { class: "del" }, "- " + x[i])); i++; }
  }
  return h("pre", { class: "diff" }, out);
}
const pretty = (v) => { try { return JSON.stringify(JSON.parse(v.schema), null, 2); } catch (e) { return v.schema; } };
tabs.schemas = async () => {
  try {
    const subjects = await api("/api/registry/subjects");
    $("#subjects").replaceChildren(...subjects.sort().map((x) => h("li", { "data-subject": x }, h("a", { href: "#schemas", onclick: () => openSubject(x) }, x))));
  } catch (e) { $("#subjects").replaceChildren(h("li", { class: "error" }, e.message)); }
};
async function openSubject(subject) {
  const el = $("#subject-detail");
  const base = "/api/registry/subjects/" + enc(subject);
  const versions = await api(base + "/versions");
  let level;
  try { level = (await api("/api/registry/config/" + enc(subject))).compatibilityLevel + " (subject)"; }
  catch (e) { level = (await api("/api/registry/config")).compatibilityLevel + " (global)"; }
  const latest = await api(base + "/versions/latest");
  const pick = (v) => h("select", {}, versions.map((x) => h("option", x === v ? { selected: "" } : {}, x)));
  const a = pick(versions[0]), b = pick(versions[versions.length - 1]), diff = h("div");
  const showDiff = async () => diff.replaceChildren(lineDiff(pretty(await api(base + "/versions/" + a.value)), pretty(await api(base + "/versions/" + b.value))));
  a.onchange = b.onchange = showDiff;
  const cand = h("textarea", { rows: 8, id: "candidate" }, pretty(latest));
  const verdict = h("div", { id: "verdict" });
  el.replaceChildren(h("h2", {}, subject), h("div", {}, `type ${latest.schemaType || "AVRO"} · latest version ${latest.version} · id ${latest.id} · compatibility ${level}`),
    h("h3", {}, "Diff"), a, " → ", b, diff,
    h("h3", {}, "Would this schema be compatible?"), cand,
    h("button", { onclick: async () => {
      try {
        const r = await api("/api/registry/compatibility/subjects/" + enc(subject) + "/versions/latest?verbose=true", { method: "POST", headers: { "Content-Type": "application/vnd.schemaregistry.v1+json" },
          body: JSON.stringify({ schema: cand.value, schemaType: latest.schemaType || "AVRO" }) });
        verdict.replaceChildren(h("b", {}, r.is_compatible ? "compatible" : "NOT compatible"), ...(r.messages || []).map((x) => h("div", {}, x)));
      } catch (e) { verdict.replaceChildren(h("div", { class: "error" }, e.message)); }
    } }, "Check"), verdict);
  showDiff();
}

loadFaults();
setInterval(async () => { try { drawServices((await api("/api/services"))); } catch (e) { /* shown by the pipeline view */ } }, 2000);
show(location.hash.slice(1));
