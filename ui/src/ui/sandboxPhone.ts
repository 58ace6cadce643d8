// Demo mode only: the sandbox "phone" shown inside the challenge dialog, so that a person trying
// the demo sees the SMS a real phone would get (and can tap an approval link). The login id is
// remembered when a sandbox institution is linked in demo mode; it is not a secret field.

import { ipc } from "../ipc";
import { store } from "../store";
import { t } from "../i18n";
import { h, replaceChildren } from "./dom";

const KEY = "gims.demo.sandbox-logins";

function logins(): Record<string, string> {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? "{}");
  } catch {
    return {};
  }
}

export function rememberSandboxLogin(connectionId: number, login: string | undefined): void {
  if (!store.info?.demo || !login) return;
  localStorage.setItem(KEY, JSON.stringify({ ...logins(), [connectionId]: login }));
}

export function sandboxPhone(connectionId: number): { element: HTMLElement; stop: () => void } | null {
  const connection = store.connections.find((c) => c.id === connectionId);
  const login = logins()[connectionId];
  if (!store.info?.demo || !login || !connection?.institution_id.startsWith("sandbox-")) return null;
  const body = h("div", {}, h("p", {}, t("phone.empty")));
  const element = h("aside", { class: "sandbox-phone", "aria-label": t("phone.title") }, h("strong", {}, t("phone.title")), body);
  let shown = "";
  const poll = async () => {
    const { messages } = await ipc.sandboxPhone(login);
    const last = messages.filter((m) => m.institution === connection.institution_id).pop();
    if (!last || last.at + (last.code ?? last.url) === shown) return;
    shown = last.at + (last.code ?? last.url);
    if (last.kind === "otp") {
      replaceChildren(body, h("p", { class: "phone-otp" }, t("phone.otp", { code: last.code ?? "" })));
    } else {
      replaceChildren(
        body,
        h("p", {}, t("phone.approval")),
        h(
          "button",
          { type: "button", class: "button", onclick: () => void ipc.sandboxApprove(last.url ?? "").catch(() => undefined) },
          t("phone.approve"),
        ),
      );
    }
  };
  void poll().catch(() => undefined);
  const timer = setInterval(() => void poll().catch(() => undefined), 1000);
  return { element, stop: () => clearInterval(timer) };
}
