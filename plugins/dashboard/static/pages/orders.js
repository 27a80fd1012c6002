// Orders: managers see every order (filter, detail, status moves the state machine allows);
// vendors see the orders holding their lines and ship them.
import {api} from "../api.js";
import {ask, attempt, button, field, h, input, notify, pager, select, table, when, words} from "../ui.js";

const STATES = ["pending_payment", "paid", "processing", "shipped", "delivered", "cancelled", "refunded"];
// The order state machine of the API (docs/api.md › Orders): where each state may go next.
const NEXT = {pending_payment: ["paid", "cancelled"], paid: ["processing", "shipped", "cancelled"],
              processing: ["shipped", "cancelled"], shipped: ["delivered"], delivered: [], cancelled: ["refunded"],
              refunded: []};

function statusFilter(ctx, current) {
  const filter = select([["", "All"], ...STATES.map((s) => [s, words(s)])], current, {name: "status"});
  filter.addEventListener("change", () => ctx.go({status: filter.value, page: 1, order: ""}));
  return h("div", {class: "toolbar"}, field("Status", filter));
}

export async function render(ctx) {
  return ctx.manager ? managerOrders(ctx) : vendorOrders(ctx);
}

async function managerOrders(ctx) {
  if (ctx.params.get("order")) return orderDetail(ctx, ctx.params.get("order"));
  const status = ctx.params.get("status") || "";
  const page = Number(ctx.params.get("page") || 1);
  const data = await api("GET", "/api/orders/", {query: {status, page}});
  return h("div", {}, statusFilter(ctx, status),
    table("Orders", [
      ["Number", (o) => o.number], ["Date", (o) => when(o.created_at)], ["Status", (o) => words(o.status)],
      ["Total", (o) => `${o.total} ${o.currency}`],
      ["Actions", (o) => button("Details", () => ctx.go({order: o.id}), {class: "secondary", "aria-label": `Details of order ${o.number}`})],
    ], data.results, "No orders."),
    pager(data, page, (p) => ctx.go({page: p})));
}

async function orderDetail(ctx, id) {
  const order = await api("GET", `/api/orders/${encodeURIComponent(id)}/`);
  const targets = NEXT[order.status] || [];
  const choice = select([["", "Choose a status"], ...targets.map((s) => [s, words(s)])], "", {name: "status"});
  const note = input({name: "note"});
  const mover = h("form", {class: "panel", novalidate: true},
    h("h2", {text: "Move the order"}),
    targets.length ? h("div", {class: "row"}, field("Change status", choice), field("Note", note),
                       h("div", {class: "field"}, h("button", {type: "submit"}, "Save status")))
      : h("p", {class: "hint", text: `A ${words(order.status)} order cannot move any further.`}));
  mover.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!choice.value) { notify("Choose a status first."); choice.focus(); return; }
    await attempt(() => api("POST", `/api/orders/${order.id}/status/`, {body: {status: choice.value, note: note.value.trim() || undefined}}),
                  `Order ${order.number} is now ${words(choice.value)}.`);
    ctx.refresh();
  });
  const address = order.shipping_address || {};
  return h("div", {},
    h("p", {}, h("a", {href: "#/orders", text: "← All orders"})),
    h("section", {class: "panel", "aria-labelledby": "order-heading"},
      h("h2", {id: "order-heading", text: `Order ${order.number}`}),
      h("dl", {class: "cards"},
        h("div", {}, h("dt", {text: "Status"}), h("dd", {text: words(order.status)})),
        h("div", {}, h("dt", {text: "Total"}), h("dd", {text: `${order.total} ${order.currency}`})),
        h("div", {}, h("dt", {text: "Payment"}), h("dd", {text: words(order.payment && order.payment.status)})),
        h("div", {}, h("dt", {text: "Placed"}), h("dd", {text: when(order.created_at)}))),
      table("Items", [
        ["Product", (i) => [i.product_name, i.variant_name, i.size_label].filter(Boolean).join(" · ")],
        ["SKU", (i) => i.sku], ["Quantity", (i) => i.quantity], ["Line total", (i) => `${i.line_total} ${order.currency}`],
        ["Vendor", (i) => (i.vendor && i.vendor.name) || "—"],
        ["Fulfilment", (i) => words(i.fulfillment_status) + (i.tracking_number ? ` (${i.carrier || ""} ${i.tracking_number})` : "")],
      ], order.items),
      h("h2", {text: "Ship to"}),
      h("p", {text: [address.name, address.line1, address.line2, address.postal_code, address.city, address.country].filter(Boolean).join(", ")}),
      h("h2", {text: "History"}),
      h("ol", {}, (order.status_history || []).map((s) => h("li", {text: `${words(s.status)} — ${when(s.at)}${s.note ? ` — ${s.note}` : ""}`})))),
    mover);
}

async function vendorOrders(ctx) {
  const status = ctx.params.get("status") || "";
  const page = Number(ctx.params.get("page") || 1);
  const data = await api("GET", "/api/vendor/orders/", {query: {status, page}});
  const ship = async (order) => {
    const values = await ask(`Ship order ${order.number}`, [{name: "tracking_number", label: "Tracking number"},
                                                            {name: "carrier", label: "Carrier"}], "Ship");
    if (!values) return;
    await attempt(() => api("POST", `/api/vendor/orders/${order.order_id}/ship/`, {body: {
      tracking_number: values.tracking_number || null, carrier: values.carrier || null}}), `Order ${order.number} shipped.`);
    ctx.refresh();
  };
  const shippable = (o) => ["paid", "processing"].includes(o.status) && o.lines.some((l) => l.fulfillment_status === "pending");
  const filter = select([["", "All"], ["pending", "To ship"], ["shipped", "Shipped"], ["cancelled", "Cancelled"]], status,
                        {name: "status"});
  filter.addEventListener("change", () => ctx.go({status: filter.value, page: 1}));
  return h("div", {}, h("div", {class: "toolbar"}, field("Lines", filter)),
    table("Order lines to ship", [
      ["Number", (o) => o.number], ["Date", (o) => when(o.created_at)], ["Status", (o) => words(o.status)],
      ["Total", (o) => `${o.vendor_total} ${o.currency}`],
      ["Lines", (o) => h("ul", {}, o.lines.map((l) => h("li", {text:
        `${l.quantity} × ${[l.product_name, l.variant_name, l.size_label].filter(Boolean).join(" · ")} — ${words(l.fulfillment_status)}` +
        (l.tracking_number ? ` (${l.carrier || ""} ${l.tracking_number})` : "")})))],
      ["Ship to", (o) => [o.shipping_address.name, o.shipping_address.city, o.shipping_address.country].filter(Boolean).join(", ")],
      ["Actions", (o) => shippable(o) ? button("Ship", () => ship(o)) : "—"],
    ], data.results, "No orders hold your products yet."),
    pager(data, page, (p) => ctx.go({page: p})));
}
