// The page talks only to the frontend, which forwards /api/{agenda,c4p,notifications}/ to the services.
"use strict";

async function call(path, options) {
  const response = await fetch(path, options);
  const body = response.status === 204 ? null : await response.json();
  if (!response.ok) {
    throw new Error(body?.detail ?? body?.title ?? `${response.status} ${response.statusText}`);
  }
  return body;
}

function fill(list, items, render) {
  list.replaceChildren(...(items.length ? items.map(render) : [Object.assign(document.createElement("li"), { textContent: "None yet." })]));
}

function item(text, ...buttons) {
  const li = document.createElement("li");
  li.textContent = text;
  li.append(...buttons);
  return li;
}

function button(label, onClick) {
  return Object.assign(document.createElement("button"), { textContent: label, onclick: onClick });
}

async function refresh() {
  const lists = {
    agenda: ["/api/agenda/agenda-items/", (i) => item(`${i.day} ${i.time} ${i.title}, by ${i.author}`.trim())],
    pending: ["/api/c4p/proposals/?status=Pending", (p) => item(`${p.title}, by ${p.author} `,
      button("Approve", () => decide(p.id, true)), button("Reject", () => decide(p.id, false)))],
    notifications: ["/api/notifications/notifications/", (n) => item(`${n.emailTo}: ${n.title}`)],
  };
  for (const [id, [path, render]] of Object.entries(lists)) {
    const list = document.getElementById(id);
    try {
      fill(list, await call(path), render);
    } catch (error) {
      fill(list, [error.message], (message) => item(`Unavailable: ${message}`));
    }
  }
}

async function decide(id, approved) {
  try {
    await call(`/api/c4p/proposals/${id}/decide/`, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ approved }),
    });
  } catch (error) {
    alert(error.message);
  }
  await refresh();
}

document.getElementById("proposal").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const result = document.getElementById("proposal-result");
  try {
    const proposal = await call("/api/c4p/proposals/", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(Object.fromEntries(new FormData(form))),
    });
    result.textContent = `Proposed "${proposal.title}".`;
    form.reset();
  } catch (error) {
    result.textContent = error.message;
  }
  await refresh();
});

call("/service/info").then((info) => {
  document.getElementById("info").textContent = `${info.name} ${info.version} on ${info.platform}`;
}, () => {});
refresh();
