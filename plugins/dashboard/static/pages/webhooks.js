// Webhooks (manager): endpoints, their delivery log, redelivery, ping and secret rotation.
import {api} from "../api.js";
import {attempt, button, clearErrors, confirmAction, field, h, input, pager, select, showErrors, table, when, words} from "../ui.js";

function secretBox(endpoint) {
  return h("div", {class: "notice", role: "note"}, h("p", {}, h("strong", {text: "Signing secret (shown only now): "}),
    h("span", {class: "secret", text: endpoint.secret})));
}

export async function render(ctx) {
  const page = Number(ctx.params.get("page") || 1);
  const data = await api("GET", "/api/webhooks/", {query: {page}});
  const shown = h("div");

  const url = input({type: "url", name: "url", required: true, placeholder: "https://example.com/hooks"});
  const events = input({name: "events", value: "*"});
  const description = input({name: "description"});
  const form = h("form", {class: "panel", novalidate: true}, h("h2", {text: "New endpoint"}),
    field("URL", url, {name: "url"}),
    field("Events", events, {name: "events", hint: "Comma-separated event types (order.paid, payout.paid…), or * for every event."}),
    field("Description", description, {name: "description"}),
    h("button", {type: "submit"}, "Add endpoint"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const list = events.value.split(",").map((e) => e.trim()).filter(Boolean);
    try {
      const made = await api("POST", "/api/webhooks/", {body: {url: url.value.trim(), events: list, description: description.value.trim()}});
      form.reset();
      shown.replaceChildren(secretBox(made));
      await refreshList();
    } catch (error) {
      // events.N names one entry of the list: show it on the Events field.
      for (const e of error.errors || []) if (e.name && e.name.startsWith("events.")) e.name = "events";
      showErrors(form, error);
    }
  });

  const listSlot = h("div");
  const deliveriesSlot = h("div");
  const act = async (label, call, after) => {
    const answer = await attempt(call, label);
    if (answer !== undefined && after) after(answer);
    await refreshList();
  };
  const columns = [
    ["URL", (w) => w.url], ["Events", (w) => w.events.join(", ")], ["Description", (w) => w.description || "—"],
    ["Active", (w) => (w.is_active ? "yes" : "no")], ["Created", (w) => when(w.created_at)],
    ["Actions", (w) => [
      button("Deliveries", () => ctx.go({endpoint: w.id}), {class: "secondary", "aria-label": `Deliveries of ${w.url}`}),
      button("Ping", () => act("Ping queued.", () => api("POST", `/api/webhooks/${w.id}/ping/`)), {class: "secondary", "aria-label": `Ping ${w.url}`}),
      button("Rotate secret", () => act("Secret rotated.", () => api("POST", `/api/webhooks/${w.id}/rotate-secret/`),
                                        (a) => shown.replaceChildren(secretBox(a))), {class: "secondary", "aria-label": `Rotate the secret of ${w.url}`}),
      button(w.is_active ? "Disable" : "Enable", () => act(w.is_active ? "Endpoint disabled." : "Endpoint enabled.",
        () => api("PATCH", `/api/webhooks/${w.id}/`, {body: {is_active: !w.is_active}})), {class: "secondary", "aria-label": `${w.is_active ? "Disable" : "Enable"} ${w.url}`}),
      button("Delete", async () => {
        if (await confirmAction(`Delete the endpoint ${w.url}?`, "Delete")) await act("Endpoint deleted.", () => api("DELETE", `/api/webhooks/${w.id}/`));
      }, {class: "danger", "aria-label": `Delete ${w.url}`})]],
  ];
  async function refreshList() {
    const fresh = await api("GET", "/api/webhooks/", {query: {page}});
    listSlot.replaceChildren(table("Endpoints", columns, fresh.results, "No endpoints yet."), pager(fresh, page, (p) => ctx.go({page: p})) || "");
  }
  listSlot.replaceChildren(table("Endpoints", columns, data.results, "No endpoints yet."), pager(data, page, (p) => ctx.go({page: p})) || "");

  const endpointId = ctx.params.get("endpoint");
  if (endpointId) {
    const status = ctx.params.get("delivery_status") || "";
    const dpage = Number(ctx.params.get("dpage") || 1);
    const deliveries = await api("GET", `/api/webhooks/${encodeURIComponent(endpointId)}/deliveries/`, {query: {status, page: dpage}});
    const filter = select([["", "All"], ["pending", "Pending"], ["delivered", "Delivered"], ["failed", "Failed"]], status, {name: "delivery_status"});
    filter.addEventListener("change", () => ctx.go({delivery_status: filter.value, dpage: 1}));
    const endpoint = data.results.find((w) => String(w.id) === endpointId);
    deliveriesSlot.replaceChildren(h("section", {class: "panel", "aria-labelledby": "deliveries-heading"},
      h("h2", {id: "deliveries-heading", text: `Delivery log${endpoint ? ` of ${endpoint.url}` : ""}`}),
      h("div", {class: "toolbar"}, field("Delivery status", filter), button("Close the log", () => ctx.go({endpoint: "", dpage: "", delivery_status: ""}), {class: "secondary"})),
      table("Deliveries", [
        ["Event", (d) => d.event_type], ["Status", (d) => words(d.status)], ["Attempts", (d) => d.attempts],
        ["Last answer", (d) => d.last_status_code ?? "—"], ["Last error", (d) => d.last_error || "—"],
        ["Next attempt", (d) => when(d.next_attempt_at)], ["Delivered", (d) => when(d.delivered_at)],
        ["Actions", (d) => button("Redeliver", async () => {
          await attempt(() => api("POST", `/api/webhooks/deliveries/${d.id}/redeliver/`), "Redelivery queued.");
          ctx.refresh();
        }, {class: "secondary"})],
      ], deliveries.results, "No deliveries yet."),
      pager(deliveries, dpage, (p) => ctx.go({dpage: p}))));
  }
  return h("div", {}, form, shown, listSlot, deliveriesSlot);
}
