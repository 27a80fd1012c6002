// Products (vendor): the vendor's products; a form to create or edit one with its variants,
// sizes, stock and images. The API's validation errors appear next to the field they name
// (``variants.0.sizes.1.stock`` → that size's Stock).
import {api, ApiError} from "../api.js";
import {attempt, button, clearErrors, confirmAction, field, h, input, notify, pager, select, showErrors, table} from "../ui.js";

const IMAGE_TYPES = "image/jpeg,image/png,image/webp";

function categoryOptions(nodes, depth = 0, out = [["", "Choose a category"]]) {
  for (const node of nodes) {
    out.push([node.slug, `${"— ".repeat(depth)}${node.name}`]);
    categoryOptions(node.children || [], depth + 1, out);
  }
  return out;
}

export async function render(ctx) {
  if (ctx.params.get("edit") || ctx.params.get("new")) return productForm(ctx, ctx.params.get("edit"));
  const page = Number(ctx.params.get("page") || 1);
  const data = await api("GET", "/api/vendor/products/", {query: {page}});
  const deactivate = async (p) => {
    if (!await confirmAction(`Deactivate ${p.name}? It leaves the catalog; its orders keep it.`, "Deactivate")) return;
    await attempt(() => api("DELETE", `/api/vendor/products/${p.id}/`), `${p.name} deactivated.`);
    ctx.refresh();
  };
  return h("div", {},
    h("div", {class: "toolbar"}, button("New product", () => ctx.go({new: 1, page: ""}))),
    table("Your products", [
      ["Name", (p) => p.name], ["Price", (p) => `${p.price} ${p.currency}`], ["Category", (p) => p.category?.name || "—"],
      ["Active", (p) => (p.is_active ? "yes" : "no")], ["In stock", (p) => (p.in_stock ? "yes" : "no")],
      ["Actions", (p) => [button("Edit", () => ctx.go({edit: p.id, page: ""}), {class: "secondary", "aria-label": `Edit ${p.name}`}),
        p.is_active ? button("Deactivate", () => deactivate(p), {class: "danger", "aria-label": `Deactivate ${p.name}`}) : null]],
    ], data.results, "No products yet: create the first one."),
    pager(data, page, (p) => ctx.go({page: p})));
}

function sizeRow(size = {}) {
  const row = h("div", {class: "row size"});
  row.dataset.id = size.id || "";
  const label = input({name: "size", value: size.label ?? ""});
  const stock = input({name: "stock", value: size.stock ?? "0", inputmode: "numeric"});
  row.append(field("Size", label), field("Stock", stock),
    h("div", {class: "field"}, button("Remove size", () => row.remove(), {class: "secondary"})));
  return row;
}

function variantBlock(productId, variant = {sizes: [{}]}, productPrice = null) {
  const box = h("fieldset", {class: "variant"});
  box.dataset.id = variant.id || "";
  const legend = h("legend", {text: variant.name ? `Variant ${variant.name}` : "New variant"});
  const colour = input({name: "colour", value: variant.name ?? ""});
  colour.addEventListener("input", () => { legend.textContent = colour.value ? `Variant ${colour.value}` : "New variant"; });
  // The API shows a variant's effective price: an override only when it differs from the product's.
  const override = variant.price && variant.price !== productPrice ? variant.price : "";
  const price = input({name: "price_override", value: override, inputmode: "decimal", placeholder: "the product's price"});
  const sizes = h("div", {class: "sizes"}, (variant.sizes || []).map((s) => sizeRow(s)));
  const files = h("input", {type: "file", name: "images", accept: IMAGE_TYPES, multiple: true});
  const thumbs = h("div", {class: "thumbs"}, (variant.images || []).map((image) => h("figure", {},
    h("img", {src: image.url, alt: image.alt || variant.name || "product image"}),
    button("Remove image", async (event) => {
      await attempt(() => api("DELETE", `/api/vendor/products/${productId}/variants/${variant.id}/images/${image.id}/`), "Image removed.");
      event.target.closest("figure").remove();
    }, {class: "secondary", "aria-label": `Remove image ${image.alt || image.id}`}))));
  box.append(legend,
    h("div", {class: "row"}, field("Colour", colour), field("Price override", price)),
    h("fieldset", {}, h("legend", {text: "Sizes"}), sizes, button("Add size", () => {
      const row = sizeRow();
      sizes.append(row);
      row.querySelector("input").focus();
    }, {class: "secondary"})),
    thumbs,
    field("Images", files, {hint: "JPEG, PNG or WebP, up to 5 MB each; uploaded when you save."}),
    button("Remove variant", () => box.remove(), {class: "danger"}));
  return box;
}

/** Number the fields as the body will name them, then build the body. */
function collect(form) {
  const body = {name: form.elements.name.value.trim(), description: form.elements.description.value,
                category: form.elements.category.value, price: form.elements.price.value.trim(), variants: []};
  const integer = (text) => (/^\s*\d+\s*$/.test(text) ? Number(text) : text.trim());
  [...form.querySelectorAll("fieldset.variant")].forEach((box, i) => {
    const colour = box.querySelector("[name=colour]");
    const price = box.querySelector("[name=price_override]");
    colour.dataset.field = `variants.${i}.name`;
    price.dataset.field = `variants.${i}.price`;
    box.querySelector("[name=images]").dataset.field = `variants.${i}.images`;
    box.querySelector(".sizes").dataset.field = `variants.${i}.sizes`;
    const variant = {name: colour.value.trim(), sizes: []};
    if (box.dataset.id) variant.id = Number(box.dataset.id);
    if (price.value.trim()) variant.price = price.value.trim(); else variant.price = null;
    [...box.querySelectorAll(".size")].forEach((row, j) => {
      const label = row.querySelector("[name=size]");
      const stock = row.querySelector("[name=stock]");
      label.dataset.field = `variants.${i}.sizes.${j}.label`;
      stock.dataset.field = `variants.${i}.sizes.${j}.stock`;
      const size = {label: label.value.trim(), stock: integer(stock.value)};
      if (row.dataset.id) size.id = Number(row.dataset.id);
      variant.sizes.push(size);
    });
    body.variants.push(variant);
  });
  return body;
}

async function uploadImages(form, product) {
  const boxes = [...form.querySelectorAll("fieldset.variant")];
  const problems = [];
  for (const [i, box] of boxes.entries()) {
    const files = box.querySelector("[name=images]").files;
    const variant = product.variants[i];
    if (!files.length || !variant) continue;
    for (const file of files) {
      const data = new FormData();
      data.append("file", file);
      data.append("alt", `${product.name} ${variant.name}`);
      try {
        await api("POST", `/api/vendor/products/${product.id}/variants/${variant.id}/images/`, {form: data});
      } catch (error) {
        problems.push({name: `variants.${i}.images`, description: `${file.name}: ${error.message}`, location: "body"});
      }
    }
  }
  return problems;
}

async function productForm(ctx, id) {
  const [tree, product] = await Promise.all([api("GET", "/api/categories/"),
    id ? api("GET", `/api/vendor/products/${encodeURIComponent(id)}/`) : Promise.resolve(null)]);
  const current = product || {name: "", description: "", category: null, price: "", variants: [{sizes: [{}]}]};
  const variants = h("div", {class: "variants"}, current.variants.map((v) => variantBlock(current.id, v, current.price)));
  const form = h("form", {class: "product", novalidate: true},
    h("p", {}, h("a", {href: "#/products", text: "← All products"})),
    h("h2", {text: product ? `Edit ${product.name}` : "New product"}),
    h("div", {class: "panel"},
      field("Name", input({name: "name", value: current.name}), {name: "name"}),
      field("Description", h("textarea", {name: "description"}, current.description || ""), {name: "description"}),
      h("div", {class: "row"},
        field("Category", select(categoryOptions(tree), current.category?.slug, {name: "category"}), {name: "category"}),
        field("Price", input({name: "price", value: current.price, inputmode: "decimal", placeholder: "19.99"}), {name: "price"}))),
    h("section", {"aria-labelledby": "variants-heading"},
      h("h2", {id: "variants-heading", text: "Variants"}),
      h("div", {dataset: {field: "variants"}, tabindex: "-1", id: "variants-list"}, variants),
      h("p", {class: "field-error", id: "variants-list-error", hidden: true}),
      button("Add variant", () => {
        const box = variantBlock(current.id);
        variants.append(box);
        box.querySelector("input").focus();
      }, {class: "secondary"})),
    h("div", {class: "toolbar"}, h("button", {type: "submit"}, "Save")));
  // The sizes containers get error slots too (an error naming a whole list of sizes).
  const withSizeSlots = () => {
    for (const sizes of form.querySelectorAll(".sizes")) {
      if (!sizes.id) { sizes.id = `sizes-${Math.random().toString(36).slice(2)}`; sizes.tabIndex = -1; }
      if (!document.getElementById(`${sizes.id}-error`)) sizes.after(h("p", {class: "field-error", id: `${sizes.id}-error`, hidden: true}));
    }
  };
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const body = collect(form);
    withSizeSlots();
    const save = form.querySelector("button[type=submit]");
    save.disabled = true;
    try {
      const saved = product ? await api("PUT", `/api/vendor/products/${product.id}/`, {body})
                            : await api("POST", "/api/vendor/products/", {body});
      const problems = await uploadImages(form, saved);
      if (problems.length) {
        notify(`${saved.name} saved, but some images were refused.`);
        if (!product) { ctx.go({new: "", edit: saved.id}); return; }
        showErrors(form, Object.assign(new ApiError(400, {errors: problems})));
      } else {
        notify(`${saved.name} saved.`);
        if (product) ctx.refresh(); else ctx.go({new: "", edit: saved.id});
      }
    } catch (error) {
      showErrors(form, error);
    } finally {
      save.disabled = false;
    }
  });
  return form;
}

