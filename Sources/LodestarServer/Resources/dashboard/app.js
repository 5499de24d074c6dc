// Lodestar class dashboard: roster over the HTTP API, live updates over /ws/dashboard/{class_id},
// reconnect with exponential backoff and replay (?since=last seq), resync on a gap.
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const state = {
    token: "", classId: "", socket: null, lastSeq: null, attempts: 0, timer: null, pinger: null,
    concepts: [], students: new Map(), events: 0, wanted: false,
  };

  // ---- HTTP -----------------------------------------------------------------------------------
  async function api(method, path, body) {
    const response = await fetch(path, {
      method, headers: { "Authorization": "Bearer " + state.token, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error((data.error && data.error.message) || ("HTTP " + response.status));
    return data;
  }

  async function loadRoster() {
    const roster = await api("GET", `/api/v1/classes/${encodeURIComponent(state.classId)}/students`);
    state.concepts = roster.concepts || [];
    state.students = new Map((roster.students || []).map((s) => [s.id, s]));
    $("class-name").textContent = roster.name ? `${roster.name} (${roster.class_id})` : roster.class_id;
    renderRoster();
  }

  // ---- Roster ---------------------------------------------------------------------------------
  function masteryClass(value) {
    if (value >= 0.95) return "m4";
    if (value >= 0.8) return "m3";
    if (value >= 0.5) return "m2";
    if (value >= 0.3) return "m1";
    return "m0";
  }

  function renderRoster() {
    const head = $("roster-head");
    head.innerHTML = "<th>Student</th><th>Avg score</th><th>Mastered</th><th></th>";
    for (const concept of state.concepts) {
      const th = document.createElement("th");
      th.className = "concept"; th.textContent = concept.name; th.title = concept.id;
      head.appendChild(th);
    }
    const body = $("roster-body");
    body.innerHTML = "";
    for (const student of state.students.values()) body.appendChild(renderRow(student));
    $("roster-updated").textContent = "updated " + new Date().toLocaleTimeString();
  }

  function renderRow(student) {
    const tr = document.createElement("tr");
    tr.dataset.studentId = student.id;
    const name = document.createElement("td");
    name.textContent = student.name || student.id;
    name.title = student.id;
    const avg = document.createElement("td");
    avg.className = "avg-score";
    avg.textContent = student.average_score == null ? "–" : student.average_score.toFixed(2);
    const mastered = document.createElement("td");
    mastered.className = "mastered-count";
    mastered.textContent = `${student.mastered_concepts ?? 0}/${state.concepts.length}`;
    const action = document.createElement("td");
    const button = document.createElement("button");
    button.className = "small recommend"; button.textContent = "Recommend";
    button.addEventListener("click", () => recommend(student.id));
    action.appendChild(button);
    tr.append(name, avg, mastered, action);
    for (const concept of state.concepts) {
      const td = document.createElement("td");
      const value = (student.mastery || {})[concept.id] ?? 0;
      td.className = "m " + masteryClass(value);
      td.dataset.concept = concept.id;
      td.title = `${concept.name}: ${(value * 100).toFixed(0)}%`;
      td.textContent = Math.round(value * 100);
      tr.appendChild(td);
    }
    return tr;
  }

  function updateStudent(id, fields) {
    const student = Object.assign(state.students.get(id) || { id }, fields);
    if (fields.mastery) student.mastery = Object.assign({}, (state.students.get(id) || {}).mastery, fields.mastery);
    state.students.set(id, student);
    const old = document.querySelector(`#roster-body tr[data-student-id="${CSS.escape(id)}"]`);
    const row = renderRow(student);
    row.classList.add("flash");
    if (old) old.replaceWith(row); else $("roster-body").appendChild(row);
    $("roster-updated").textContent = "updated " + new Date().toLocaleTimeString();
  }

  // ---- Recommendations ------------------------------------------------------------------------
  async function recommend(studentId) {
    $("rec-student").textContent = "for " + studentId;
    const list = $("recommendations");
    list.innerHTML = "<li class='muted'>generating…</li>";
    try {
      const path = await api("POST", `/api/v1/adaptive/students/${encodeURIComponent(studentId)}/path`, { max_items: 5 });
      showRecommendations(studentId, path.recommendations || []);
    } catch (error) {
      list.innerHTML = "";
      const li = document.createElement("li"); li.className = "error"; li.textContent = error.message; list.appendChild(li);
    }
  }

  function showRecommendations(studentId, items) {
    $("rec-student").textContent = "for " + studentId;
    const list = $("recommendations");
    list.innerHTML = "";
    if (!items.length) { list.innerHTML = "<li class='muted'>Nothing to recommend: every concept is mastered.</li>"; return; }
    for (const item of items) {
      const li = document.createElement("li");
      li.className = "recommendation";
      const title = document.createElement("strong"); title.textContent = item.title || item.item_id;
      const meta = document.createElement("div"); meta.className = "muted";
      meta.textContent = `${item.concept_name || item.concept_id} · ${item.kind || ""} · difficulty ${item.difficulty ?? "?"}`;
      const why = document.createElement("div"); why.textContent = item.reason || "";
      li.append(title, meta, why);
      list.appendChild(li);
    }
  }

  // ---- Live feed ------------------------------------------------------------------------------
  function describe(event) {
    const data = event.data || {};
    switch (event.type) {
      case "assessment_graded": return `${event.student_id} answered ${data.item_id}: ${data.correct ? "correct" : "incorrect"} (score ${data.score})`;
      case "mastery_updated": return `${event.student_id}: ` + (event.changes || []).map((c) => `${c.concept_id} ${(c.mastery * 100).toFixed(0)}%`).join(", ");
      case "student_update": return `${event.student_id}: ${data.mastered_concepts ?? "?"} concepts mastered`;
      case "recommendation_generated": return `${event.student_id || "class plan"}: ${(event.recommendations || []).length} recommendations`;
      default: return event.message || "";
    }
  }

  function addToFeed(event) {
    state.events += 1;
    $("event-count").textContent = String(state.events);
    const li = document.createElement("li");
    li.dataset.type = event.type;
    const seq = document.createElement("span"); seq.className = "seq"; seq.textContent = "#" + event.seq;
    const type = document.createElement("span"); type.className = "type"; type.textContent = event.type;
    li.append(seq, type, document.createTextNode(" " + describe(event)));
    const feed = $("feed");
    feed.prepend(li);
    while (feed.children.length > 200) feed.lastChild.remove();
  }

  function handle(message) {
    switch (message.type) {
      case "connection_confirmed":
        if (state.lastSeq === null) state.lastSeq = message.seq;
        state.attempts = 0;
        setIndicator("connected", `connected · ${message.channel}`);
        return;
      case "resync_required":
        state.lastSeq = message.seq;
        loadRoster().catch((error) => setError(error.message));
        return;
      case "pong": case "error":
        return;
    }
    if (typeof message.seq === "number") {
      if (state.lastSeq !== null && message.seq <= state.lastSeq) return;  // already seen
      state.lastSeq = message.seq;
    }
    addToFeed(message);
    if (message.type === "student_update" && message.student_id) updateStudent(message.student_id, message.data || {});
    if (message.type === "mastery_updated" && message.student_id) {
      const mastery = {};
      for (const change of message.changes || []) mastery[change.concept_id] = change.mastery;
      updateStudent(message.student_id, Object.assign({}, message.summary || {}, { mastery }));
    }
    if (message.type === "recommendation_generated" && message.student_id && $("rec-student").textContent === "for " + message.student_id) {
      showRecommendations(message.student_id, message.recommendations || []);
    }
  }

  // ---- Socket ---------------------------------------------------------------------------------
  function setIndicator(kind, text) {
    const indicator = $("connection-indicator");
    indicator.className = "indicator " + kind;
    indicator.dataset.state = kind;
    $("connection-status").textContent = text;
  }

  function setError(text) { $("signin-error").textContent = text; }

  function connect() {
    clearTimeout(state.timer);
    if (!state.wanted) return;
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    let url = `${scheme}://${location.host}/ws/dashboard/${encodeURIComponent(state.classId)}?token=${encodeURIComponent(state.token)}`;
    if (state.lastSeq !== null) url += `&since=${state.lastSeq}`;
    setIndicator("connecting", state.attempts ? `reconnecting (attempt ${state.attempts + 1})` : "connecting");
    const socket = new WebSocket(url);
    state.socket = socket;
    socket.onmessage = (message) => {
      try { handle(JSON.parse(message.data)); } catch (error) { console.warn("bad message", error); }
    };
    socket.onopen = () => {
      clearInterval(state.pinger);
      state.pinger = setInterval(() => { if (socket.readyState === WebSocket.OPEN) socket.send('{"type":"ping"}'); }, 25000);
    };
    socket.onclose = (event) => {
      clearInterval(state.pinger);
      if (state.socket !== socket) return;
      state.socket = null;
      if (!state.wanted) { setIndicator("disconnected", "disconnected"); return; }
      if (event.code === 1008 && !state.attempts) setError("connection refused: " + (event.reason || "policy"));
      // Exponential backoff with jitter, capped at 15 s.
      const delay = Math.min(15000, 500 * 2 ** state.attempts) * (0.75 + Math.random() * 0.5);
      state.attempts += 1;
      setIndicator("disconnected", `disconnected (code ${event.code}); retrying in ${(delay / 1000).toFixed(1)} s`);
      state.timer = setTimeout(connect, delay);
    };
  }

  async function signIn(event) {
    if (event) event.preventDefault();
    setError("");
    state.token = $("token").value.trim();
    state.classId = $("class-id").value.trim();
    if (!state.token || !state.classId) { setError("enter a token and a class id"); return; }
    try {
      await loadRoster();
    } catch (error) {
      setError(error.message);
      return;
    }
    localStorage.setItem("lodestar.token", state.token);
    localStorage.setItem("lodestar.class", state.classId);
    state.wanted = true;
    state.lastSeq = null;
    state.attempts = 0;
    if (state.socket) { const old = state.socket; state.socket = null; old.close(1000); }
    $("disconnect").disabled = false;
    connect();
  }

  function signOut() {
    state.wanted = false;
    clearTimeout(state.timer);
    if (state.socket) { const old = state.socket; state.socket = null; old.close(1000); }
    localStorage.removeItem("lodestar.token");
    $("disconnect").disabled = true;
    setIndicator("disconnected", "signed out");
  }

  async function start() {
    $("signin-form").addEventListener("submit", signIn);
    $("disconnect").addEventListener("click", signOut);
    let config = {};
    try { config = await (await fetch("/dashboard/config.json")).json(); } catch (_) { /* no demo */ }
    // A sign-in link (/#token=...) carries the token in the fragment, which never reaches a server
    // or its logs; it is taken once and removed from the address bar and history.
    const fromLink = new URLSearchParams(location.hash.slice(1)).get("token");
    if (fromLink) {
      localStorage.setItem("lodestar.token", fromLink);
      history.replaceState(null, "", location.pathname + location.search);
    }
    $("token").value = fromLink || localStorage.getItem("lodestar.token") || "";
    $("class-id").value = localStorage.getItem("lodestar.class") || config.demo_class || "class_001";
    if ($("token").value) signIn();
  }

  window.lodestarDashboard = { state };
  start();
})();
