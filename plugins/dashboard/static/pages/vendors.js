// Vendors (manager): the applications, filtered by status; approve, reject or suspend.
import {api} from "../api.js";
import {ask, attempt, button, field, h, pager, select, table, when, words} from "../ui.js";

const STATUSES = [["", "All"], ["pending", "Pending"], ["approved", "Approved"], ["rejected", "Rejected"],
                  ["suspended", "Suspended"]];

export async function render(ctx) {
  const status = ctx.params.has("status") ? ctx.params.get("status") : "pending";
  const page = Number(ctx.params.get("page") || 1);
  const data = await api("GET", "/api/manager/vendors/", {query: {status, page}});
  const filter = select(STATUSES, status, {name: "status"});
  filter.addEventListener("change", () => ctx.go({status: filter.value, page: 1}));

  const decide = async (vendor, action, reasonNeeded) => {
    let body;
    if (reasonNeeded) {
      const values = await ask(`${words(action)} ${vendor.name}`, [{name: "reason", label: "Reason"}],
                               action === "reject" ? "Reject" : "Suspend");
      if (!values) return;
      body = {reason: values.reason};
    }
    await attempt(() => api("POST", `/api/manager/vendors/${vendor.id}/${action}/`, {body}),
                  `${vendor.name}: ${action === "approve" ? "approved" : action === "reject" ? "rejected" : "suspended"}.`);
    ctx.refresh();
  };
  const actions = (vendor) => {
    if (vendor.status === "pending") {
      return [button("Approve", () => decide(vendor, "approve", false)),
              button("Reject", () => decide(vendor, "reject", true), {class: "danger"})];
    }
    if (vendor.status === "approved") return [button("Suspend", () => decide(vendor, "suspend", true), {class: "danger"})];
    if (vendor.status === "suspended") return [button("Approve", () => decide(vendor, "approve", false))];
    return [];
  };
  return h("div", {},
    h("div", {class: "toolbar"}, field("Status", filter)),
    table("Vendor applications", [
      ["Store", (v) => v.name || v.store_name],
      ["Description", (v) => v.description || "—"],
      ["Status", (v) => words(v.status) + (v.status_reason ? ` (${v.status_reason})` : "")],
      ["Applied", (v) => when(v.created_at)],
      ["Actions", actions],
    ], data.results, "No vendors with this status."),
    pager(data, page, (p) => ctx.go({page: p})));
}
