// Web chat: sends what the worker types or taps, shows answers with their legal basis,
// and collects operator replies (handed-off conversations) every few seconds.
(function () {
  "use strict";
  const log = document.getElementById("log");
  const form = document.getElementById("composer");
  const input = document.getElementById("message");
  const send = document.getElementById("send");
  const status = document.getElementById("status");
  const HEADERS = { "Content-Type": "application/json", "X-Requested-With": "hotline-chat" };

  function newId() {
    const bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function addMessage(who, reply) {
    const item = document.createElement("li");
    item.className = "msg " + who;
    const bubble = document.createElement("div");
    bubble.className = "bubble";
    if (who === "operator") {
      const label = document.createElement("span");
      label.className = "who";
      label.textContent = "人工接线员";
      bubble.appendChild(label);
    }
    const text = document.createElement("p");
    text.textContent = reply.text;
    bubble.appendChild(text);
    const cites = (reply.citations || []).filter((c) => !reply.text.includes(c));
    if (cites.length) {
      const basis = document.createElement("div");
      basis.className = "cites";
      basis.textContent = "依据：" + cites.join("；");
      bubble.appendChild(basis);
    }
    if (reply.buttons && reply.buttons.length) {
      const group = document.createElement("div");
      group.className = "choices";
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", "可选回答");
      reply.buttons.forEach((b) => {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "choice";
        button.dataset.payload = b.payload;
        button.textContent = b.title;
        group.appendChild(button);
      });
      bubble.appendChild(group);
    }
    item.appendChild(bubble);
    log.appendChild(item);
    log.scrollTop = log.scrollHeight;
  }

  async function post(text, payload) {
    addMessage("worker", { text: text });
    send.disabled = true;
    status.textContent = "助手正在回复…";
    const body = { text: text, message_id: newId() };
    if (payload) body.payload = payload;
    try {
      const response = await fetch("/chat/api/messages", {
        method: "POST", headers: HEADERS, body: JSON.stringify(body), credentials: "same-origin",
      });
      if (!response.ok) throw new Error(String(response.status));
      const data = await response.json();
      data.replies.forEach((r) => addMessage("bot", r));
      status.textContent = "";
    } catch (error) {
      status.textContent = "发送失败，请检查网络后重试；着急可拨打 12338。";
    } finally {
      send.disabled = false;
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    post(text, null);
    input.focus();
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  log.addEventListener("click", (event) => {
    const button = event.target.closest("button.choice");
    if (!button || send.disabled) return;
    post(button.textContent, button.dataset.payload);
  });

  async function collect() {
    if (document.visibilityState !== "visible") return;
    try {
      const response = await fetch("/chat/api/outbox", { headers: HEADERS, credentials: "same-origin" });
      if (!response.ok) return;
      const data = await response.json();
      data.replies.forEach((r) => addMessage("operator", r));
    } catch (error) { /* offline for a moment: try again next time */ }
  }
  setInterval(collect, 3000);
})();
