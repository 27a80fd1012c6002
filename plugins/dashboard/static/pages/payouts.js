// Payouts: the vendor's balance, ledger, payouts and payout account; the manager's payout runs,
// mark paid / failed, and the marketplace report.
import {api, ApiError} from "../api.js";
import {alertBox, ask, attempt, button, field, h, input, pager, select, table, when, words} from "../ui.js";

const card = (label, value) => h("div", {}, h("dt", {text: label}), h("dd", {text: value}));

export async function render(ctx) {
  return ctx.manager ? managerPayouts(ctx) : vendorPayouts(ctx);
}

function payoutColumns(extra = []) {
  return [
    ["Created", (p) => when(p.created_at)], ["Amount", (p) => `${p.amount} ${p.currency}`],
    ["Status", (p) => words(p.status) + (p.failure_reason ? ` (${p.failure_reason})` : "")],
    ["Provider", (p) => p.provider], ["Reference", (p) => p.reference || "—"], ["Paid", (p) => when(p.paid_at)],
    ...extra,
  ];
}

async function vendorPayouts(ctx) {
  const kind = ctx.params.get("kind") || "";
  const page = Number(ctx.params.get("page") || 1);
  const [balance, ledger, payouts] = await Promise.all([
    api("GET", "/api/vendor/balance/"),
    api("GET", "/api/vendor/ledger/", {query: {kind, page}}),
    api("GET", "/api/vendor/payouts/")]);
  const cur = balance.currency;
  const kinds = select([["", "All"], ...["sale", "refund", "payout", "payout_reversal", "adjustment"].map((k) => [k, words(k)])],
                       kind, {name: "kind"});
  kinds.addEventListener("change", () => ctx.go({kind: kinds.value, page: 1}));
  const account = h("div");
  const setUp = button("Set up payout account", async () => {
    try {
      const answer = await api("POST", "/api/vendor/payout-account/");
      account.replaceChildren(h("p", {}, `Account ${answer.account_id}. `,
        h("a", {href: answer.onboarding_url, rel: "noopener noreferrer", text: "Continue the onboarding"})));
    } catch (error) {
      account.replaceChildren(alertBox(error instanceof ApiError && error.status === 400
        ? `${error.message} (this shop pays vendors by hand: no account to set up)` : error.message));
    }
  }, {class: "secondary"});
  return h("div", {},
    h("section", {"aria-labelledby": "balance-heading"}, h("h2", {id: "balance-heading", text: "Balance"}),
      h("dl", {class: "cards"}, card("Available", `${balance.available} ${cur}`), card("Pending", `${balance.pending} ${cur}`),
        card("Paid out", `${balance.paid_out} ${cur}`), card("Total earned", `${balance.total_earned} ${cur}`))),
    h("section", {class: "panel", "aria-labelledby": "account-heading"}, h("h2", {id: "account-heading", text: "Payout account"}),
      setUp, account),
    h("section", {"aria-labelledby": "ledger-heading"}, h("h2", {id: "ledger-heading", text: "Ledger"}),
      h("div", {class: "toolbar"}, field("Kind", kinds)),
      table("Ledger entries", [
        ["Date", (e) => when(e.created_at)], ["Kind", (e) => words(e.kind)], ["Amount", (e) => `${e.amount} ${e.currency}`],
        ["Order", (e) => e.order_id ?? "—"], ["Available from", (e) => when(e.available_at)], ["Note", (e) => e.note || "—"],
      ], ledger.results, "No ledger entries yet."),
      pager(ledger, page, (p) => ctx.go({page: p}))),
    h("section", {"aria-labelledby": "payouts-heading"}, h("h2", {id: "payouts-heading", text: "Your payouts"}),
      table("Your payouts", payoutColumns(), payouts.results, "No payouts yet.")));
}

async function managerPayouts(ctx) {
  const status = ctx.params.get("status") || "";
  const vendor = ctx.params.get("vendor") || "";
  const page = Number(ctx.params.get("page") || 1);
  const from = ctx.params.get("from") || "";
  const to = ctx.params.get("to") || "";
  const [payouts, report] = await Promise.all([
    api("GET", "/api/manager/payouts/", {query: {status, vendor, page}}),
    api("GET", "/api/manager/marketplace/report/", {query: {from, to}})]);
  const result = h("div");
  const run = button("Run payouts", async () => {
    const answer = await attempt(() => api("POST", "/api/manager/payouts/run/"),
                                 (a) => a.payouts.length ? `${a.payouts.length} payout(s) created.` : "Nothing is due: no payout created.");
    if (answer) ctx.refresh();
  });
  const decide = async (payout, action) => {
    const paid = action === "mark-paid";
    const values = await ask(`${paid ? "Mark paid" : "Mark failed"}: ${payout.vendor.name}, ${payout.amount} ${payout.currency}`,
      [paid ? {name: "reference", label: "Reference", required: true} : {name: "reason", label: "Reason", required: true}],
      paid ? "Mark paid" : "Mark failed");
    if (!values) return;
    await attempt(() => api("POST", `/api/manager/payouts/${payout.id}/${action}/`, {body: values}),
                  `Payout ${payout.id} ${paid ? "marked paid" : "marked failed"}.`);
    ctx.refresh();
  };
  const statusSelect = select([["", "All"], ["pending", "Pending"], ["paid", "Paid"], ["failed", "Failed"]], status, {name: "status"});
  statusSelect.addEventListener("change", () => ctx.go({status: statusSelect.value, page: 1}));
  const vendorInput = input({name: "vendor", value: vendor, placeholder: "vendor slug"});
  const filters = h("form", {class: "toolbar"}, field("Status", statusSelect), field("Vendor", vendorInput),
                    h("div", {class: "field"}, h("button", {type: "submit", class: "secondary"}, "Filter")));
  filters.addEventListener("submit", (e) => { e.preventDefault(); ctx.go({vendor: vendorInput.value.trim(), page: 1}); });
  const fromInput = input({type: "date", name: "from", value: from});
  const toInput = input({type: "date", name: "to", value: to});
  const reportForm = h("form", {class: "toolbar"}, field("From", fromInput), field("To", toInput),
                       h("div", {class: "field"}, h("button", {type: "submit", class: "secondary"}, "Show report")));
  reportForm.addEventListener("submit", (e) => { e.preventDefault(); ctx.go({from: fromInput.value, to: toInput.value}); });
  const c = report.currency;
  return h("div", {},
    h("div", {class: "toolbar"}, run), result,
    filters,
    table("Payouts", payoutColumns([["Vendor", (p) => p.vendor.name],
      ["Actions", (p) => p.status === "pending"
        ? [button("Mark paid", () => decide(p, "mark-paid")), button("Mark failed", () => decide(p, "mark-failed"), {class: "danger"})]
        : "—"]]), payouts.results, "No payouts."),
    pager(payouts, page, (p) => ctx.go({page: p})),
    h("section", {class: "panel", "aria-labelledby": "report-heading"}, h("h2", {id: "report-heading", text: "Marketplace report"}),
      reportForm,
      h("dl", {class: "cards"}, card("Gross sales", `${report.gross_sales} ${c}`), card("Commissions", `${report.commissions} ${c}`),
        card("Refunds", `${report.refunds} ${c}`), card("Vendor earnings", `${report.vendor_earnings} ${c}`),
        card("Payouts paid", `${report.payouts_paid} ${c}`), card("Payouts pending", `${report.payouts_pending} ${c}`),
        card("Platform revenue", `${report.platform_revenue} ${c}`))));
}
