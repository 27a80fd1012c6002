// Returns (managers: all; vendors: those with their lines), written against the API contract
// (GET /api/returns/, POST .../approve/, /reject/, /receive/): while the server does not have the
// endpoint (404), the page says so.
import {api, ApiError} from "../api.js";
import {ask, attempt, button, field, h, pager, select, table, unavailable, when, words} from "../ui.js";

const PATH = "/api/returns/";

export async function render(ctx) {
  const status = ctx.params.get("status") || "";
  const page = Number(ctx.params.get("page") || 1);
  let data;
  try {
    data = await api("GET", PATH, {query: {status, page}});
  } catch (error) {
    if (error instanceof ApiError && error.status === 404 && page === 1) return unavailable("Returns", PATH);
    throw error;
  }
  const filter = select([["", "All"], ["requested", "Requested"], ["approved", "Approved"], ["rejected", "Rejected"],
                         ["refunded", "Refunded"]], status, {name: "status"});
  filter.addEventListener("change", () => ctx.go({status: filter.value, page: 1}));
  const act = async (ret, action, body, done) => {
    await attempt(() => api("POST", `${PATH}${ret.id}/${action}/`, {body}), done);
    ctx.refresh();
  };
  const actions = (ret) => {
    if (ret.status === "requested") {
      return [button("Approve", () => act(ret, "approve", undefined, `Return ${ret.id} approved.`)),
              button("Reject", async () => {
                const values = await ask(`Reject return ${ret.id}`, [{name: "reason", label: "Reason", required: true}], "Reject");
                if (values) await act(ret, "reject", {reason: values.reason}, `Return ${ret.id} rejected.`);
              }, {class: "danger"})];
    }
    if (ret.status === "approved") {
      return [button("Receive", async () => {
        const values = await ask(`Receive return ${ret.id}`, [{name: "restock", label: "Restock", type: "checkbox", value: true}], "Receive");
        if (values) await act(ret, "receive", {restock: values.restock}, `Return ${ret.id} received and refunded.`);
      })];
    }
    return "—";
  };
  return h("div", {}, h("div", {class: "toolbar"}, field("Status", filter)),
    table("Returns", [
      ["Return", (r) => r.id], ["Order", (r) => r.order_id], ["Status", (r) => words(r.status)],
      ["Items", (r) => h("ul", {}, (r.items || []).map((i) => h("li", {text: `${i.quantity} × line ${i.order_item_id}${i.reason ? ` — ${i.reason}` : ""}`})))],
      ["Refund", (r) => r.refund_amount ?? "—"], ["Requested", (r) => when(r.created_at)], ["Actions", actions],
    ], data.results, "No returns."),
    pager(data, page, (p) => ctx.go({page: p})));
}
