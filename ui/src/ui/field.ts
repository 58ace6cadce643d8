// The one labelled form field: a label tied to its input by id, the input (or a group of
// inputs), and an optional hint under it.

import { h } from "./dom";

export function field(id: string, label: string, input: Node, hint?: string): HTMLElement {
  return h(
    "div",
    { class: "field" },
    h("label", { for: id }, label),
    input,
    hint ? h("span", { class: "hint" }, hint) : null,
  );
}
