// The dashboard shell: log in, role-aware navigation, and a page per fragment (#/orders?status=paid).
import {ApiError, currentUser, login, logout, onSessionEnd} from "./api.js";
import {alertBox, button, field, h, input} from "./ui.js";

const MANAGER = ["orders", "vendors", "categories", "returns", "payouts", "webhooks", "audit"];
const VENDOR = ["orders", "products", "returns", "payouts"];
const CUSTOMER = ["apply"];
const PAGES = {
  orders: ["Orders", () => import("./pages/orders.js")],
  products: ["Products", () => import("./pages/products.js")],
  vendors: ["Vendors", () => import("./pages/vendors.js")],
  categories: ["Categories", () => import("./pages/categories.js")],
  returns: ["Returns", () => import("./pages/returns.js")],
  payouts: ["Payouts", () => import("./pages/payouts.js")],
  webhooks: ["Webhooks", () => import("./pages/webhooks.js")],
  audit: ["Audit log", () => import("./pages/audit.js")],
  apply: ["Apply to sell", () => import("./pages/apply.js")],
};

const main = document.getElementById("main");
const nav = document.getElementById("nav");
const who = document.getElementById("who");

export function isManager(user = currentUser()) { return !!user && ["manager", "admin"].includes(user.role); }

function pagesFor(user) {
  if (isManager(user)) return MANAGER;
  if (user.role === "vendor") return VENDOR;
  return CUSTOMER;
}

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, "");
  const [name, query = ""] = raw.split("?");
  return {name, params: new URLSearchParams(query)};
}

/** Go to a page with these parameters (empty values dropped). */
export function go(name, params = {}) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== "") query.set(key, value);
  const text = query.toString();
  const target = `#/${name}${text ? `?${text}` : ""}`;
  if (location.hash === target) route(); else location.hash = target;
}

function showLogin(message) {
  nav.hidden = true;
  nav.replaceChildren();
  who.textContent = "";
  const email = input({type: "email", name: "email", autocomplete: "username", required: true});
  const password = input({type: "password", name: "password", autocomplete: "current-password", required: true});
  const problem = h("div");
  const form = h("form", {class: "login panel", novalidate: true},
    h("h1", {text: "Log in"}),
    message ? h("p", {class: "notice", text: message}) : null,
    problem,
    field("Email", email), field("Password", password),
    h("button", {type: "submit"}, "Log in"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const submit = form.querySelector("button[type=submit]");
    submit.disabled = true;
    try {
      await login(email.value.trim(), password.value);
      startSession();
    } catch (error) {
      problem.replaceChildren(alertBox(error instanceof ApiError ? error.message : "The server could not be reached."));
      submit.disabled = false;
      password.focus();
    }
  });
  main.replaceChildren(form);
  email.focus();
}

function startSession() {
  const user = currentUser();
  who.textContent = `${user.email} (${user.role})`;
  const names = pagesFor(user);
  nav.replaceChildren(h("ul", {}, names.map((name) => h("li", {}, h("a", {href: `#/${name}`, dataset: {page: name}}, PAGES[name][0])))),
    button("Log out", async () => { await logout(); location.hash = ""; showLogin("You are logged out."); }, {class: "secondary"}));
  nav.hidden = false;
  const {name} = parseHash();
  if (names.includes(name)) route(); else go(names[0]);
}

let rendering = 0;
let shownPage = "";
async function route() {
  const user = currentUser();
  if (!user) { showLogin(); return; }
  const {name, params} = parseHash();
  const names = pagesFor(user);
  if (!names.includes(name)) { go(names[0]); return; }
  const ticket = ++rendering;
  if (name !== shownPage) document.getElementById("status").textContent = "";  // a message belongs to its page
  shownPage = name;
  for (const link of nav.querySelectorAll("a")) {
    if (link.dataset.page === name) link.setAttribute("aria-current", "page"); else link.removeAttribute("aria-current");
  }
  const [title, load] = PAGES[name];
  document.title = `${title} · Agora dashboard`;
  const heading = h("h1", {text: title, tabindex: "-1"});
  const body = h("div", {"aria-busy": "true"}, h("p", {class: "hint", text: "Loading…"}));
  main.replaceChildren(heading, body);
  const ctx = {user, params, manager: isManager(user),
               go: (changes) => go(name, {...Object.fromEntries(params), ...changes}),
               refresh: () => { if (ticket === rendering) route(); }};
  try {
    const page = await load();
    const content = await page.render(ctx);
    if (ticket !== rendering) return;
    body.replaceChildren(content);
  } catch (error) {
    if (ticket !== rendering || !currentUser()) return;
    body.replaceChildren(alertBox(error.message || "Something went wrong."));
  }
  body.removeAttribute("aria-busy");
  if (!main.contains(document.activeElement) || document.activeElement === main) heading.focus();
}

onSessionEnd((message) => showLogin(message));
window.addEventListener("hashchange", () => { if (currentUser()) route(); });
showLogin();
