// Categories (manager): the tree; create, rename, move and deactivate.
import {api} from "../api.js";
import {ask, attempt, button, clearErrors, confirmAction, field, h, input, notify, select, showErrors} from "../ui.js";

function flatten(nodes, depth = 0, out = []) {
  for (const node of nodes) {
    out.push({node, depth});
    flatten(node.children || [], depth + 1, out);
  }
  return out;
}

function parentOptions(flat, except) {
  const banned = new Set();
  if (except) for (const {node} of flatten([except])) banned.add(node.slug);
  return [["", "None (top level)"], ...flat.filter(({node}) => !banned.has(node.slug))
    .map(({node, depth}) => [node.slug, `${"— ".repeat(depth)}${node.name}`])];
}

export async function render(ctx) {
  const tree = await api("GET", "/api/categories/");
  const flat = flatten(tree);

  const name = input({name: "name", required: true});
  const parent = select(parentOptions(flat), ctx.params.get("parent") || "", {name: "parent"});
  const form = h("form", {class: "panel", novalidate: true},
    h("h2", {text: "New category"}),
    h("div", {class: "row"}, field("Name", name, {name: "name"}), field("Parent", parent, {name: "parent"}),
      h("div", {class: "field"}, h("button", {type: "submit"}, "Create category"))));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    try {
      const made = await api("POST", "/api/categories/", {body: {name: name.value.trim(), parent: parent.value || null}});
      ctx.refresh();
      notify(`Category ${made.name} created.`);
    } catch (error) { showErrors(form, error); }
  });

  const change = async (node, body, done) => {
    await attempt(() => api("PATCH", `/api/categories/${encodeURIComponent(node.slug)}/`, {body}), done);
    ctx.refresh();
  };
  const rename = async (node) => {
    const values = await ask(`Rename ${node.name}`, [{name: "name", label: "Name", value: node.name, required: true}], "Rename");
    if (values) await change(node, {name: values.name}, `Renamed to ${values.name}.`);
  };
  const move = async (node) => {
    const values = await ask(`Move ${node.name}`, [{name: "parent", label: "Parent", type: "select",
      options: parentOptions(flat, node), value: node.parent ?? ""}], "Move");
    if (values) await change(node, {parent: values.parent || null}, `${node.name} moved.`);
  };
  const deactivate = async (node) => {
    if (!await confirmAction(`Deactivate ${node.name} and its sub-categories? They leave the public tree; products and orders keep them.`, "Deactivate")) return;
    await attempt(() => api("DELETE", `/api/categories/${encodeURIComponent(node.slug)}/`), `${node.name} deactivated.`);
    ctx.refresh();
  };
  const branch = (nodes) => h("ul", {class: "tree-level"}, nodes.map((node) => h("li", {},
    h("div", {}, h("strong", {text: node.name}), h("span", {class: "slug", text: node.slug}),
      button("Rename", () => rename(node), {class: "secondary", "aria-label": `Rename ${node.name}`}),
      button("Move", () => move(node), {class: "secondary", "aria-label": `Move ${node.name}`}),
      button("Deactivate", () => deactivate(node), {class: "danger", "aria-label": `Deactivate ${node.name}`})),
    node.children && node.children.length ? branch(node.children) : null)));
  const treeNode = tree.length ? branch(tree) : h("p", {class: "empty notice", text: "No categories yet."});
  treeNode.classList?.add("tree");
  return h("div", {}, form, h("section", {class: "panel", "aria-labelledby": "tree-heading"},
    h("h2", {id: "tree-heading", text: "Category tree"}), treeNode));
}
