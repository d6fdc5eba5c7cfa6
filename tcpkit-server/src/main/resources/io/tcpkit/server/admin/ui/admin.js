// The tcpkit admin page: polls /varz and /connz once a second and draws what they say.
// Plain DOM code, no libraries, nothing from another host. Everything a client chose (names,
// users) is put in the page with textContent, never as HTML.
"use strict";

const POLL_MS = 1000;
const HISTORY = 120; // samples kept per chart: two minutes
const history = {};  // service -> [{t, open, accepted, messages, bytesIn, bytesOut}]
const $ = (id) => document.getElementById(id);

function token() {
  return $("token").value.trim();
}

function headers() {
  const t = token();
  return t ? {"Authorization": "Bearer " + t} : {};
}

async function getJson(path) {
  const response = await fetch(path, {headers: headers(), cache: "no-store"});
  if (!response.ok) {
    throw new Error(path + ": " + response.status + " " + (await response.text()).trim());
  }
  return response.json();
}

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) {
    e.textContent = String(text);
  }
  if (cls) {
    e.className = cls;
  }
  return e;
}

function bytes(n) {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return (i === 0 ? n.toFixed(0) : n.toFixed(1)) + " " + units[i];
}

function duration(seconds) {
  if (seconds < 60) return seconds.toFixed(seconds < 10 ? 1 : 0) + " s";
  if (seconds < 3600) return Math.floor(seconds / 60) + " min " + Math.floor(seconds % 60) + " s";
  if (seconds < 86400) return Math.floor(seconds / 3600) + " h " + Math.floor((seconds % 3600) / 60) + " min";
  return Math.floor(seconds / 86400) + " d " + Math.floor((seconds % 86400) / 3600) + " h";
}

function rate(now, previous, field) {
  if (!previous) return 0;
  const dt = (now.t - previous.t) / 1000;
  return dt > 0 ? Math.max(0, (now[field] - previous[field]) / dt) : 0;
}

function record(service, now) {
  const samples = history[service.service] || (history[service.service] = []);
  const sample = {
    t: now,
    open: service.connections_open,
    accepted: service.connections_accepted,
    messages: service.messages === undefined ? null : service.messages,
    bytesIn: service.bytes_in,
    bytesOut: service.bytes_out,
  };
  const previous = samples[samples.length - 1];
  sample.acceptedRate = rate(sample, previous, "accepted");
  sample.messageRate = sample.messages === null ? null : rate(sample, previous, "messages");
  sample.bytesRate = rate(sample, previous, "bytesIn") + rate(sample, previous, "bytesOut");
  samples.push(sample);
  if (samples.length > HISTORY) samples.shift();
  return samples;
}

// A line chart of one field over the samples, scaled to its own maximum.
function draw(canvas, samples, field, color) {
  const ratio = window.devicePixelRatio || 1;
  const w = canvas.clientWidth * ratio, h = canvas.clientHeight * ratio;
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
  const ctx = canvas.getContext("2d");
  ctx.clearRect(0, 0, w, h);
  const values = samples.map((s) => s[field] || 0);
  const max = Math.max(1, ...values);
  ctx.strokeStyle = "#ddd";
  ctx.beginPath();
  ctx.moveTo(0, h - 0.5);
  ctx.lineTo(w, h - 0.5);
  ctx.stroke();
  ctx.strokeStyle = color;
  ctx.lineWidth = 1.5 * ratio;
  ctx.beginPath();
  values.forEach((v, i) => {
    const x = w - (values.length - 1 - i) * (w / (HISTORY - 1));
    const y = h - 2 - (v / max) * (h - 4);
    if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
  });
  ctx.stroke();
}

function card(service) {
  let c = document.querySelector('.card[data-service="' + CSS.escape(service.service) + '"]');
  if (!c) {
    c = el("div", null, "card");
    c.dataset.service = service.service;
    c.append(el("h3"), el("div", null, "open"), el("dl"),
        el("div", "open connections", "chart-label"), el("canvas", null, "chart-open"),
        el("div", "bytes per second, in + out", "chart-label"), el("canvas", null, "chart-bytes"));
    if (service.messages !== undefined) {
      c.append(el("div", "messages per second", "chart-label"), el("canvas", null, "chart-messages"));
    }
    $("services").append(c);
    const option = el("option", service.service);
    option.value = service.service;
    $("conn-service").append(option);
  }
  return c;
}

function renderServices(varz) {
  const now = Date.now();
  for (const service of varz.services) {
    const samples = record(service, now);
    const last = samples[samples.length - 1];
    const c = card(service);
    c.querySelector("h3").textContent = service.service + " · " + service.address + (service.tls ? " · TLS" : "");
    const open = c.querySelector(".open");
    open.textContent = service.connections_open;
    open.id = "open-" + service.service;
    const rows = [
      ["connections/s", last.acceptedRate.toFixed(1)],
      ["messages/s", last.messageRate === null ? "–" : last.messageRate.toFixed(1)],
      ["bytes in", bytes(service.bytes_in)],
      ["bytes out", bytes(service.bytes_out)],
      ["accepted", service.connections_accepted],
      ["refused", service.connections_refused],
    ];
    const dl = c.querySelector("dl");
    dl.replaceChildren(...rows.flatMap(([k, v]) => [el("dt", k), el("dd", v)]));
    draw(c.querySelector(".chart-open"), samples, "open", "#2a6fdb");
    draw(c.querySelector(".chart-bytes"), samples, "bytesRate", "#1f9d55");
    const messages = c.querySelector(".chart-messages");
    if (messages) {
      draw(messages, samples, "messageRate", "#b7791f");
    }
  }
  const totals = [];
  if (varz.chat) totals.push("chat: " + varz.chat.members + " members in " + varz.chat.rooms + " rooms");
  if (varz.pubsub) totals.push("pub/sub: " + varz.pubsub.channels + " channels, " + varz.pubsub.patterns + " patterns");
  totals.push("heap " + bytes(varz.jvm.heap_used_bytes) + " of " + bytes(varz.jvm.heap_max_bytes));
  $("totals").textContent = totals.join(" · ");
  $("version").textContent = "v" + varz.version + " · Java " + varz.java;
  $("uptime").textContent = "up " + duration(varz.uptime_seconds);
  const ready = $("ready");
  ready.textContent = varz.ready ? "ready" : "not ready";
  ready.className = "badge " + (varz.ready ? "ready" : "not-ready");
}

async function kill(id, button) {
  button.disabled = true;
  const response = await fetch("/kill?id=" + encodeURIComponent(id), {method: "POST", headers: headers()});
  if (!response.ok) {
    showError("kill conn-" + id + ": " + (await response.text()).trim());
    button.disabled = false;
    return;
  }
  poll();
}

function renderConnections(connz) {
  $("conn-count").textContent = "(" + connz.total + " open)";
  const rows = connz.connections.map((c) => {
    const tr = el("tr");
    tr.dataset.id = c.id;
    const button = el("button", "kill", "kill");
    button.title = "close this connection (reason: killed)";
    button.addEventListener("click", () => kill(c.id, button));
    const killCell = el("td");
    killCell.append(button);
    tr.append(el("td", c.id, "num"), el("td", c.service), el("td", c.address), el("td", c.user || ""),
        el("td", c.name || ""), el("td", duration(c.age_seconds), "num"), el("td", duration(c.idle_seconds), "num"),
        el("td", bytes(c.bytes_in), "num"), el("td", bytes(c.bytes_out), "num"), el("td", bytes(c.queued_bytes), "num"),
        killCell);
    return tr;
  });
  $("connections").tBodies[0].replaceChildren(...rows);
}

function renderCloses(closed) {
  const rows = closed.connections.map((c) => {
    const tr = el("tr");
    tr.dataset.reason = c.reason;
    tr.append(el("td", new Date(c.closed).toLocaleTimeString()), el("td", c.id, "num"), el("td", c.service),
        el("td", c.address), el("td", c.user || ""), el("td", c.name || ""), el("td", c.reason_description),
        el("td", duration(c.duration_seconds), "num"), el("td", bytes(c.bytes_in), "num"),
        el("td", bytes(c.bytes_out), "num"));
    return tr;
  });
  $("closes").tBodies[0].replaceChildren(...rows);
}

function showError(text) {
  const e = $("error");
  e.textContent = text;
  e.hidden = !text;
}

let polling = false;

async function poll() {
  if (polling) return;
  polling = true;
  try {
    const service = $("conn-service").value;
    const query = "?limit=100&sort=" + encodeURIComponent($("conn-sort").value)
        + (service ? "&service=" + encodeURIComponent(service) : "");
    const [varz, connz, closed] = await Promise.all([
      getJson("/varz"), getJson("/connz" + query), getJson("/connz?state=closed&limit=20")]);
    renderServices(varz);
    renderConnections(connz);
    renderCloses(closed);
    showError("");
    document.body.dataset.state = "loaded";
  } catch (e) {
    showError(String(e.message || e));
  } finally {
    polling = false;
  }
}

$("token").value = sessionStorage.getItem("tcpkit-admin-token") || "";
$("token").addEventListener("change", () => sessionStorage.setItem("tcpkit-admin-token", token()));
$("conn-service").addEventListener("change", poll);
$("conn-sort").addEventListener("change", poll);
poll();
setInterval(poll, POLL_MS);
