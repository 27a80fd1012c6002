// Agora's minimal mail-link pages: nothing happens on load (a mail scanner fetching the page
// spends no token); a person's click posts the form as JSON to the API and shows the answer.
"use strict";

function say(form, text, ok) {
  const out = form.parentNode.querySelector("[data-result]");
  out.textContent = text;
  out.className = ok ? "ok" : "problem";
  return out;
}

function problems(answer) {
  const errors = (answer && answer.errors) || [];
  return errors.map((e) => e.description).join(" ") || "Something went wrong; try again.";
}

async function call(method, url, body, token) {
  const headers = {"Accept": "application/json"};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers["Authorization"] = "Bearer " + token;
  const response = await fetch(url, {method, headers, body: body === undefined ? undefined : JSON.stringify(body)});
  const answer = await response.json().catch(() => ({}));
  return {ok: response.ok, answer};
}

function fields(form) {
  const body = {};
  for (const input of form.querySelectorAll("input[name]")) {
    const twin = input.dataset.sameAs;
    if (twin && input.value !== form.elements[twin].value) throw new Error("The two passwords differ.");
    if (!("local" in input.dataset)) body[input.name] = input.value;
  }
  return body;
}

async function postForm(event) {
  event.preventDefault();
  const form = event.currentTarget;
  let body;
  try { body = fields(form); } catch (err) { say(form, err.message, false); return; }
  const button = form.querySelector("button");
  button.disabled = true;
  const {ok, answer} = await call("POST", form.dataset.api, body);
  if (ok) { say(form, form.dataset.done, true); form.hidden = true; }
  else { say(form, problems(answer), false); button.disabled = false; }
}

function showOrder(form, order) {
  const out = say(form, "", true);
  const rows = order.items.map((item) => {
    const tr = document.createElement("tr");
    for (const text of [item.quantity + " ×", item.product_name + " " + (item.variant_name || "") + " " +
                        (item.size_label || ""), item.line_total + " " + order.currency]) {
      const td = document.createElement("td");
      td.textContent = text;
      tr.appendChild(td);
    }
    return tr;
  });
  const head = document.createElement("p");
  head.textContent = "Order " + order.number + ": " + order.status.replace("_", " ") + ", total " +
                     order.total + " " + order.currency + ".";
  const table = document.createElement("table");
  rows.forEach((tr) => table.appendChild(tr));
  out.replaceChildren(head, table);
}

async function login(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const signedIn = await call("POST", "/api/auth/login/", fields(form));
  if (!signedIn.ok) { say(form, problems(signedIn.answer), false); return; }
  const token = signedIn.answer.access;
  for (let url = "/api/orders/?page_size=100"; url; ) {
    const page = await call("GET", url, undefined, token);
    if (!page.ok) { say(form, problems(page.answer), false); return; }
    const found = page.answer.results.find((o) => o.number === form.dataset.order);
    if (found) { form.hidden = true; showOrder(form, found); return; }
    url = page.answer.next;
  }
  say(form, "This account has no order " + form.dataset.order + ".", false);
}

async function guestOrder(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const token = form.dataset.token;
  if (!token) { say(form, "This link has no order token.", false); return; }
  const found = await call("GET", "/api/orders/guest/" + encodeURIComponent(token) + "/");
  if (!found.ok) { say(form, problems(found.answer), false); return; }
  form.hidden = true;
  showOrder(form, found.answer);
}

document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll("form[data-api]")) form.addEventListener("submit", postForm);
  for (const form of document.querySelectorAll("form[data-login]")) form.addEventListener("submit", login);
  for (const form of document.querySelectorAll("form[data-guest-order]")) form.addEventListener("submit", guestOrder);
});
