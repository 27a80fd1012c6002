// Audit log (manager), written against the API contract (GET /api/manager/audit/, ?action=, ?actor=):
// while the server does not have the endpoint (404), the page says so.
import {api, ApiError} from "../api.js";
import {field, h, input, pager, table, unavailable, when} from "../ui.js";

const PATH = "/api/manager/audit/";

export async function render(ctx) {
  const action = ctx.params.get("action") || "";
  const actor = ctx.params.get("actor") || "";
  const page = Number(ctx.params.get("page") || 1);
  let data;
  try {
    data = await api("GET", PATH, {query: {action, actor, page}});
  } catch (error) {
    if (error instanceof ApiError && error.status === 404 && page === 1) return unavailable("The audit log and its entries", PATH);
    throw error;
  }
  const actionInput = input({name: "action", value: action});
  const actorInput = input({name: "actor", value: actor});
  const filters = h("form", {class: "toolbar"}, field("Action", actionInput), field("Actor", actorInput),
                    h("div", {class: "field"}, h("button", {type: "submit", class: "secondary"}, "Filter")));
  filters.addEventListener("submit", (e) => { e.preventDefault(); ctx.go({action: actionInput.value.trim(), actor: actorInput.value.trim(), page: 1}); });
  return h("div", {}, filters,
    table("Audit log entries", [
      ["When", (e) => when(e.at)], ["Actor", (e) => (e.actor ? `${e.actor.email} (${e.actor.role})` : "—")],
      ["Action", (e) => e.action], ["Target", (e) => (e.target ? `${e.target.type} ${e.target.id ?? ""}` : "—")],
      ["Changes", (e) => (e.changes ? JSON.stringify(e.changes) : "—")], ["IP", (e) => e.ip || "—"],
    ], data.results, "No entries."),
    pager(data, page, (p) => ctx.go({page: p})));
}
