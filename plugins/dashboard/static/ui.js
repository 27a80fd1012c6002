// DOM helpers: elements are built with textContent only (never as HTML strings), so nothing the API
// returns can inject markup.
import {ApiError} from "./api.js";

let counter = 0;
export function uid(prefix = "f") { counter += 1; return `${prefix}-${counter}`; }

export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
    else if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key === "value") node.value = value;
    else if (value === true) node.setAttribute(key, "");
    else node.setAttribute(key, value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** A labelled control with its error slot; ``control`` gets an id, ``name`` maps API errors to it. */
export function field(label, control, {name, hint, inline} = {}) {
  control.id = control.id || uid("field");
  if (name) control.dataset.field = name;
  const error = h("p", {class: "field-error", id: `${control.id}-error`, hidden: true});
  const described = [error.id];
  let hintNode = null;
  if (hint) { hintNode = h("p", {class: "hint", id: `${control.id}-hint`, text: hint}); described.push(hintNode.id); }
  control.setAttribute("aria-describedby", described.join(" "));
  return h("div", {class: inline ? "field inline" : "field"}, h("label", {for: control.id, text: label}), control,
           hintNode, error);
}

export function input(attrs = {}) { return h("input", {type: "text", ...attrs}); }

export function select(options, current, attrs = {}) {
  const node = h("select", attrs);
  for (const option of options) {
    const [value, label] = Array.isArray(option) ? option : [option, option];
    node.append(h("option", {value, text: label, selected: String(value) === String(current ?? "")}));
  }
  return node;
}

export function button(text, onclick, attrs = {}) {
  return h("button", {type: "button", onclick, ...attrs}, text);
}

/** A table in a keyboard-scrollable region; ``columns`` = [[title, row => cell], ...]. */
export function table(caption, columns, rows, empty = "Nothing here yet.") {
  if (!rows.length) return h("p", {class: "empty notice", text: empty});
  const body = rows.map((row) => h("tr", {}, columns.map(([title, cell]) => {
    const value = cell(row);
    return h("td", {class: title === "Actions" ? "actions" : undefined}, value);
  })));
  return h("div", {class: "table-wrap", role: "region", "aria-label": caption, tabindex: "0"},
           h("table", {}, h("caption", {text: caption}),
             h("thead", {}, h("tr", {}, columns.map(([title]) => h("th", {scope: "col", text: title})))),
             h("tbody", {}, body)));
}

/** A modal dialog asking for some values; resolves to them, or null when cancelled. */
export function ask(title, fields, confirm) {
  return new Promise((resolve) => {
    const controls = fields.map((spec) => {
      let control;
      if (spec.type === "select") control = select(spec.options, spec.value, {name: spec.name});
      else if (spec.type === "checkbox") control = h("input", {type: "checkbox", name: spec.name, checked: !!spec.value});
      else control = input({name: spec.name, value: spec.value ?? "", required: spec.required, type: spec.type || "text"});
      return {spec, control};
    });
    const alert = h("div", {class: "alert", role: "alert", hidden: true});
    const form = h("form", {method: "dialog"},
      h("h2", {text: title}),
      controls.map(({spec, control}) => field(spec.label, control, {inline: spec.type === "checkbox", hint: spec.hint})),
      alert,
      h("div", {class: "buttons"},
        h("button", {type: "button", class: "secondary", onclick: () => dialog.close("cancel")}, "Cancel"),
        h("button", {type: "submit", value: "ok"}, confirm)));
    const dialog = h("dialog", {"aria-label": title}, form);
    form.addEventListener("submit", (event) => {
      const missing = controls.find(({spec, control}) => spec.required && !control.value.trim());
      if (missing) { event.preventDefault(); alert.hidden = false; alert.textContent = `${missing.spec.label} is required.`; missing.control.focus(); }
    });
    dialog.addEventListener("close", () => {
      const values = {};
      for (const {spec, control} of controls) values[spec.name] = spec.type === "checkbox" ? control.checked : control.value.trim();
      dialog.remove();
      resolve(dialog.returnValue === "ok" ? values : null);
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

export function confirmAction(title, confirm) { return ask(title, [], confirm); }

let statusTimer = null;
/** A short message in the polite live region (screen readers announce it). */
export function notify(text) {
  const region = document.getElementById("status");
  region.textContent = text;
  clearTimeout(statusTimer);
  statusTimer = setTimeout(() => { region.textContent = ""; }, 6000);
}

export function alertBox(text) { return h("div", {class: "alert", role: "alert", text}); }

export function clearErrors(form) {
  for (const node of form.querySelectorAll(".field-error")) { node.hidden = true; node.textContent = ""; }
  for (const node of form.querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
  const general = form.querySelector(":scope > .form-alert");
  if (general) general.remove();
}

/** Show an API error: each error next to the control whose data-field it names, the rest on top. */
export function showErrors(form, error) {
  clearErrors(form);
  const errors = error instanceof ApiError && error.errors.length ? error.errors : [{description: error.message}];
  const leftover = [];
  let first = null;
  for (const item of errors) {
    const control = item.name ? form.querySelector(`[data-field="${CSS.escape(item.name)}"]`) : null;
    if (!control) { leftover.push(item.name && item.name !== "body" ? `${item.name}: ${item.description}` : item.description); continue; }
    const slot = document.getElementById(`${control.id}-error`);
    slot.hidden = false;
    slot.textContent = slot.textContent ? `${slot.textContent} ${item.description}` : item.description;
    control.setAttribute("aria-invalid", "true");
    first = first || control;
  }
  if (leftover.length) {
    const box = alertBox(leftover.join(" "));
    box.classList.add("form-alert");
    form.prepend(box);
  }
  (first || form.querySelector(".form-alert"))?.focus?.();
  if (first) first.focus();
}

/** Run an action, announcing success or showing the API's message. */
export async function attempt(action, done, where) {
  try {
    const answer = await action();
    if (done) notify(typeof done === "function" ? done(answer) : done);
    return answer;
  } catch (error) {
    if (where) { where.replaceChildren(alertBox(error.message)); } else notify(error.message);
    return undefined;
  }
}

export function pager(data, page, go) {
  if (!data.next && !data.previous) return null;
  return h("nav", {class: "pager", "aria-label": "Pages"},
    button("Previous page", () => go(page - 1), {class: "secondary", disabled: !data.previous}),
    h("span", {text: `Page ${page} · ${data.count} in all`}),
    button("Next page", () => go(page + 1), {class: "secondary", disabled: !data.next}));
}

export function money(amount, currency) { return amount === null || amount === undefined ? "—" : `${amount} ${currency || ""}`.trim(); }
export function when(iso) { return iso ? new Date(iso).toLocaleString() : "—"; }
export function words(value) { return value ? String(value).replaceAll("_", " ") : "—"; }

/** What a page shows when the server does not have the endpoint (yet): honest, not an error. */
export function unavailable(what, path) {
  return h("div", {class: "notice", role: "note"},
    h("p", {}, h("strong", {text: `${what} are not available on this server.`})),
    h("p", {class: "hint", text: `GET ${path} answered 404: this Agora does not provide it yet. The page lights up once it does.`}));
}
