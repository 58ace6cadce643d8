// The one modal form: a title, the fields, キャンセル and the submit button. The dialog is taken
// out of the page once closed; `submit` says whether to close (false keeps it open, e.g. to show
// the core's refusal inside it).

import { t } from "../i18n";
import { h, replaceChildren } from "./dom";

export interface FormDialog {
  /** The dialog's id, and its title's. */
  id: string;
  titleId: string;
  title: string;
  /** Extra classes besides `modal`. */
  className?: string;
  /** The fields and any text between the title and the buttons. */
  body: (Node | null)[];
  /** The submit button: an element the caller keeps (to disable it), or its id and label. */
  submit: HTMLButtonElement | { id: string; label: string; danger?: boolean };
  onSubmit: () => Promise<boolean>;
  cancelId?: string;
  /** Focused when the dialog opens. */
  focus?: HTMLElement;
  onClosed?: () => void;
}

export function openFormDialog(options: FormDialog): HTMLDialogElement {
  const dialog = h("dialog", {
    id: options.id,
    class: options.className ? `modal ${options.className}` : "modal",
    "aria-labelledby": options.titleId,
  });
  dialog.addEventListener("close", () => {
    dialog.remove();
    options.onClosed?.();
  });
  const submit =
    options.submit instanceof HTMLButtonElement
      ? options.submit
      : h(
          "button",
          { type: "submit", class: options.submit.danger ? "button danger" : "button primary", id: options.submit.id },
          options.submit.label,
        );
  replaceChildren(
    dialog,
    h(
      "form",
      {
        onsubmit: async (event: Event) => {
          event.preventDefault();
          if (await options.onSubmit()) dialog.close();
        },
      },
      h("h2", { id: options.titleId }, options.title),
      options.body,
      h(
        "div",
        { class: "dialog-actions" },
        h("button", { type: "button", class: "button", id: options.cancelId, onclick: () => dialog.close() }, t("common.cancel")),
        submit,
      ),
    ),
  );
  document.body.appendChild(dialog);
  dialog.showModal();
  options.focus?.focus();
  return dialog;
}
