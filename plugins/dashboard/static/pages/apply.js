// A signed-in customer may apply to sell (POST /api/vendor/apply/); a manager then decides.
import {api, ApiError} from "../api.js";
import {clearErrors, field, h, input, showErrors} from "../ui.js";

export async function render(ctx) {
  let profile = null;
  try { profile = await api("GET", "/api/vendor/profile/"); } catch (error) {
    if (!(error instanceof ApiError) || ![403, 404].includes(error.status)) throw error;
  }
  if (profile) {
    return h("div", {class: "notice"}, h("p", {text: `Your application for ${profile.name || profile.store_name} is ${profile.status}.`}),
      h("p", {class: "hint", text: "Once a manager approves it, log in again to manage your products."}));
  }
  const store = input({name: "store_name", required: true});
  const description = h("textarea", {name: "description"});
  const form = h("form", {class: "panel", novalidate: true},
    h("p", {text: "This dashboard is for vendors and managers. Apply to sell on this marketplace:"}),
    field("Store name", store, {name: "store_name"}), field("Description", description, {name: "description"}),
    h("button", {type: "submit"}, "Apply"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    try {
      await api("POST", "/api/vendor/apply/", {body: {store_name: store.value.trim(), description: description.value.trim()}});
      ctx.refresh();
    } catch (error) { showErrors(form, error); }
  });
  return form;
}
