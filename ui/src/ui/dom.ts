// Builds DOM from data with text nodes only: nothing from an institution, a connector or the
// user is ever parsed as HTML (no innerHTML anywhere in the app). Bidirectional overrides,
// embeddings and isolates in that text are shown as `\u{202e}` rather than obeyed, as the command
// line shows them: "\u{202e}exe.txt" must not look like "txt.exe".

type Child = Node | string | number | null | undefined | false;
type Attributes = Record<string, string | number | boolean | null | undefined | EventListener>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2), value);
    } else if (name === "class") {
      element.className = String(value);
    } else if (value === true) {
      element.setAttribute(name, "");
    } else {
      element.setAttribute(name, String(value));
    }
  }
  append(element, children);
  return element;
}

const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/g;

/** Text as shown: bidirectional controls spelled out. */
export function shownText(text: string): string {
  return text.replace(BIDI_CONTROLS, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
}

export function append(parent: Node, children: (Child | Child[])[]): void {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(child instanceof Node ? child : document.createTextNode(shownText(String(child))));
  }
}

export function replaceChildren(parent: Element, ...children: (Child | Child[])[]): void {
  parent.replaceChildren();
  append(parent, children);
}
