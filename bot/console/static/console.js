// Operator console: suggestions while typing, a conversation on the caller's behalf,
// and the handoff queue (heartbeat every 3 s keeps the operator "on duty").
(function () {
  "use strict";
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const $ = (id) => document.getElementById(id);
  const JSON_HEADERS = { "Content-Type": "application/json", "X-CSRF-Token": csrf };

  async function api(path, body) {
    const options = body === undefined
      ? { headers: { "X-CSRF-Token": csrf }, credentials: "same-origin" }
      : { method: "POST", headers: JSON_HEADERS, body: JSON.stringify(body), credentials: "same-origin" };
    const response = await fetch(path, options);
    if (response.status === 401) { window.location.href = "/console/login"; throw new Error("login"); }
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw Object.assign(new Error(String(response.status)), { data: data });
    return data;
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // -- suggestions while typing -------------------------------------------------------
  const ENTITY_NAMES = { province: "省份", city: "城市", period: "时期", date: "日期",
    pregnancy_weeks: "孕周", child_age_months: "孩子月龄", babies: "胎数", birth_type: "分娩方式",
    money: "金额", employer: "单位", service: "服务" };
  const PERIOD_NAMES = { pregnancy: "孕期", maternity: "产期", nursing: "哺乳期", all: "三期" };
  let sequence = 0;
  let timer = null;
  let province = null;

  async function copy(text, button) {
    try {
      await navigator.clipboard.writeText(text);
    } catch (error) {
      const area = el("textarea"); area.value = text; document.body.appendChild(area);
      area.select(); document.execCommand("copy"); area.remove();
    }
    button.textContent = "已复制";
    setTimeout(() => { button.textContent = "复制"; }, 1500);
  }

  function showReading(data) {
    $("reading-empty").hidden = true;
    const intent = $("intent");
    intent.hidden = false;
    intent.textContent = "";
    intent.appendChild(document.createTextNode("问题类型："));
    const first = data.suggestions[0];
    const name = data.intent ? (first && first.intent === data.intent ? first.title : data.intent) : "（引擎未就绪，仅按关键词检索）";
    intent.appendChild(el("strong", "", name));
    if (data.confidence !== null && data.confidence !== undefined) {
      intent.appendChild(el("span", "conf", "置信度 " + Math.round(data.confidence * 100) + "%"));
    }
    const list = $("entities");
    list.textContent = "";
    province = null;
    data.entities.forEach((e) => {
      if (e.entity === "province") province = e.value;
      const value = e.entity === "period" ? (PERIOD_NAMES[e.value] || e.value) : e.value;
      list.appendChild(el("li", "", (ENTITY_NAMES[e.entity] || e.entity) + "：" + value));
    });
    const cards = $("suggestions");
    cards.textContent = "";
    data.suggestions.forEach((s, index) => {
      const card = el("li", "card");
      card.dataset.intent = s.intent;
      card.appendChild(el("h3", "", (index + 1) + ". " + s.title));
      card.appendChild(el("p", "say", s.text));
      card.appendChild(el("p", "cites", "依据：" + s.citations.join("；")));
      const row = el("div", "row");
      const copyButton = el("button", "secondary", "复制");
      copyButton.type = "button";
      copyButton.setAttribute("aria-label", "复制第" + (index + 1) + "条建议答复");
      copyButton.addEventListener("click", () => copy(s.text + "（依据：" + s.citations.join("；") + "）", copyButton));
      const start = el("button", "", s.action.label);
      start.type = "button";
      start.addEventListener("click", () => startCall(s.action.payload));
      row.append(copyButton, start);
      card.appendChild(row);
      cards.appendChild(card);
    });
  }

  async function refreshSuggestions() {
    const text = $("caller-text").value.trim();
    if (!text) return;
    const mine = ++sequence;
    try {
      const data = await api("/api/v1/suggest", { text: text });
      if (mine === sequence) showReading(data);
    } catch (error) { /* keep the last suggestions on a transient error */ }
  }
  $("caller-text").addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(refreshSuggestions, 250);
  });

  // -- a conversation on the caller's behalf ------------------------------------------
  let callId = null;
  function callLine(who, reply) {
    const item = el("li", who);
    item.appendChild(el("span", "who-label", who === "caller" ? "来电者" : "助手"));
    item.appendChild(document.createTextNode(reply.text));
    if (reply.citations && reply.citations.length) {
      const missing = reply.citations.filter((c) => !reply.text.includes(c));
      if (missing.length) item.appendChild(el("span", "who-label", "依据：" + missing.join("；")));
    }
    if (reply.buttons && reply.buttons.length) {
      const choices = el("div", "choices");
      reply.buttons.forEach((b) => {
        const button = el("button", "", b.title);
        button.type = "button";
        button.addEventListener("click", () => sendCall(b.payload, b.title));
        choices.appendChild(button);
      });
      item.appendChild(choices);
    }
    $("call-log").appendChild(item);
    item.scrollIntoView({ block: "nearest" });
  }
  async function sendCall(text, shown) {
    $("call").hidden = false;
    if (shown) callLine("caller", { text: shown });
    try {
      const data = await api("/console/api/assist", { call_id: callId, text: text, province: province });
      callId = data.call_id;
      data.replies.forEach((r) => callLine("bot", r));
    } catch (error) {
      callLine("bot", { text: "（助手暂时无法回答，请直接按建议答复告知来电者。）" });
    }
  }
  function startCall(payload) {
    callId = null;
    $("call-log").textContent = "";
    sendCall(payload, null);
  }
  $("call-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = $("call-input").value.trim();
    if (!text) return;
    $("call-input").value = "";
    sendCall(text, text);
  });
  $("call-end").addEventListener("click", () => { callId = null; $("call").hidden = true; });
  $("book-for-caller").addEventListener("click", () => startCall("/book_appointment"));

  // -- handoff queue ---------------------------------------------------------------------
  let selected = null;
  const WHO = { worker: "女职工", operator: "接线员", assistant: "助手", system: "系统" };
  const REASONS = { asked: "要求人工", fallback: "助手两次未理解" };

  async function heartbeat() {
    try {
      const data = await api("/console/api/presence", {});
      $("duty").textContent = "值班中（在线 " + data.on_duty + " 人）";
      $("queue-count").textContent = String(data.queue.length);
      const list = $("queue");
      list.textContent = "";
      if (!data.queue.length) list.appendChild(el("li", "muted", "暂无等待人工的对话。"));
      data.queue.forEach((h) => {
        const item = el("li");
        const button = el("button");
        button.type = "button";
        button.dataset.sender = h.sender_id;
        if (h.sender_id === selected) button.setAttribute("aria-current", "true");
        button.appendChild(el("span", "status", h.status === "active" ? "处理中：" + (h.operator || "") : "等待中"));
        button.appendChild(el("strong", "", h.who));
        button.appendChild(el("span", "muted", " · " + (REASONS[h.reason] || h.reason) + " · 已等 " + Math.max(1, Math.round(h.waiting_s / 60)) + " 分钟"));
        button.addEventListener("click", () => { selected = h.sender_id; loadThread(); heartbeat(); });
        item.appendChild(button);
        list.appendChild(item);
      });
      if (selected && !data.queue.some((h) => h.sender_id === selected)) {
        selected = null; $("thread").hidden = true;
      }
    } catch (error) {
      $("duty").textContent = "连接中断，正在重试…";
    }
  }

  async function loadThread() {
    if (!selected) return;
    try {
      const data = await api("/console/api/thread?sender_id=" + encodeURIComponent(selected));
      $("thread").hidden = false;
      $("thread-title").textContent = data.handoff.who;
      const lines = $("thread-lines");
      lines.textContent = "";
      data.lines.forEach((line) => {
        const item = el("li", line.who);
        item.appendChild(el("span", "who-label", WHO[line.who] || line.who));
        item.appendChild(document.createTextNode(line.text));
        lines.appendChild(item);
      });
      lines.scrollTop = lines.scrollHeight;
    } catch (error) {
      if (error.message === "404") { selected = null; $("thread").hidden = true; }
    }
  }

  $("reply-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = $("reply-text").value.trim();
    if (!text || !selected) return;
    try {
      await api("/console/api/reply", { sender_id: selected, text: text });
      $("reply-text").value = "";
      $("reply-status").textContent = "已发送";
    } catch (error) {
      $("reply-status").textContent = (error.data && error.data.detail) || "发送失败，请重试";
    }
    loadThread();
  });
  $("close-thread").addEventListener("click", async () => {
    if (!selected) return;
    await api("/console/api/close", { sender_id: selected });
    selected = null;
    $("thread").hidden = true;
    heartbeat();
  });

  heartbeat();
  setInterval(() => { heartbeat(); loadThread(); }, 3000);
})();
