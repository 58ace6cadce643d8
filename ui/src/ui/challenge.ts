// The one challenge dialog, for every kind: a one-time password (where it was sent, time
// left, one input), an image CAPTCHA (the image, one input, another image), an approval on
// another device or a consent page (what to do, waiting, cancel). Modal: nothing else moves.

import { ipc, type GimsError } from "../ipc";
import { store, type OpenChallenge } from "../store";
import { t } from "../i18n";
import { h, replaceChildren } from "./dom";
import { clock, secondsUntil } from "./time";
import { sandboxPhone } from "./sandboxPhone";
import { errorText } from "./notices";

export function mountChallengeDialog(): HTMLDialogElement {
  const dialog = h("dialog", { id: "challenge-dialog", class: "challenge", "aria-labelledby": "challenge-title" });
  let shown: number | null = null;
  let timer: ReturnType<typeof setInterval> | undefined;
  let imageUrl: string | null = null;
  let phone: ReturnType<typeof sandboxPhone> = null;

  const cleanup = () => {
    clearInterval(timer);
    phone?.stop();
    phone = null;
    if (imageUrl) URL.revokeObjectURL(imageUrl);
    imageUrl = null;
  };

  const close = () => {
    cleanup();
    shown = null;
    if (dialog.open) dialog.close();
    replaceChildren(dialog);
  };

  const cancel = (open: OpenChallenge) => {
    ipc.cancelChallenge(open.id).catch(() => undefined);
    close();
  };

  dialog.addEventListener("cancel", (event) => {
    // Escape cancels the question, not just the dialog.
    event.preventDefault();
    const open = store.challenges.find((c) => c.id === shown);
    if (open) cancel(open);
  });

  const render = (open: OpenChallenge) => {
    cleanup();
    shown = open.id;
    const { challenge } = open;
    const problem = h("p", { class: "form-problem", role: "alert" });
    const waiting = h("p", { class: "waiting", hidden: true }, t("challenge.waiting"));
    const buttons: HTMLButtonElement[] = [];
    const button = (label: string, onclick: () => void, kind = "", type: "button" | "submit" = "button") => {
      const b = h("button", { type, class: `button ${kind}`, onclick: type === "button" ? onclick : null }, label);
      buttons.push(b);
      return b;
    };
    const send = async (code: string | null) => {
      for (const b of buttons) b.disabled = true;
      waiting.hidden = false;
      try {
        await ipc.replyChallenge(open.id, code);
      } catch (e) {
        problem.textContent = errorText(e);
        for (const b of buttons) b.disabled = false;
        waiting.hidden = true;
      }
    };
    const countdown = h("p", { class: "countdown", "aria-live": "off" });
    if (challenge.expires_at) {
      const tick = () => {
        const left = secondsUntil(challenge.expires_at!);
        countdown.textContent = left > 0 ? t("challenge.expires_in", { time: clock(left) }) : t("challenge.expired");
        countdown.classList.toggle("expired", left === 0);
      };
      tick();
      timer = setInterval(tick, 1000);
    }
    const cancelButton = button(t("common.cancel"), () => cancel(open));
    const codeForm = (label: string, inputAttributes: Record<string, string>) => {
      const input = h("input", { id: "challenge-code", autocomplete: "off", required: true, ...inputAttributes });
      const form = h(
        "form",
        {
          class: "challenge-form",
          onsubmit: (event: Event) => {
            event.preventDefault();
            const code = input.value.trim();
            if (code) void send(code).then(() => (input.value = ""));
          },
        },
        h("label", { for: "challenge-code" }, label),
        input,
      );
      return { form, input };
    };

    let body: (Node | null)[] = [];
    let actions: HTMLElement[] = [cancelButton];
    let focus: HTMLElement = cancelButton;
    switch (challenge.kind) {
      case "otp": {
        const { form, input } = codeForm(t("challenge.otp_label"), {
          inputmode: "numeric",
          autocomplete: "one-time-code",
        });
        const submit = button(t("challenge.submit"), () => form.requestSubmit(), "primary");
        body = [
          h("p", {}, t("challenge.otp")),
          challenge.sent_to ? h("p", { class: "sent-to" }, t("challenge.otp_sent_to", { to: challenge.sent_to })) : null,
          countdown,
          form,
        ];
        actions = [cancelButton, submit];
        focus = input;
        break;
      }
      case "captcha": {
        const { form, input } = codeForm(t("challenge.captcha_label"), { autocapitalize: "off", spellcheck: "false" });
        const image = h("img", { class: "captcha-image", alt: t("challenge.captcha_alt") });
        if (challenge.image_png) {
          const bytes = Uint8Array.from(atob(challenge.image_png), (c) => c.charCodeAt(0));
          imageUrl = URL.createObjectURL(new Blob([bytes], { type: "image/png" }));
          image.src = imageUrl;
        }
        const reload = button(t("challenge.reload"), () => void send(null));
        const submit = button(t("challenge.submit"), () => form.requestSubmit(), "primary");
        body = [h("p", {}, t("challenge.captcha")), h("div", { class: "captcha" }, image, reload), form];
        actions = [cancelButton, submit];
        focus = input;
        break;
      }
      case "approval": {
        body = [
          h("p", {}, t("challenge.approval")),
          challenge.message ? h("p", { class: "institution-says" }, challenge.message) : null,
          countdown,
          h("p", { class: "waiting-now" }, h("progress", { "aria-label": t("challenge.waiting") }), t("challenge.waiting")),
        ];
        actions = [cancelButton, button(t("challenge.approved"), () => void send(null), "primary")];
        break;
      }
      case "consent": {
        body = [
          h("p", {}, t("challenge.consent")),
          h("p", {}, h("span", { class: "label" }, t("challenge.consent_url")), " "),
          h("p", { class: "url", tabindex: "0" }, challenge.url ?? ""),
          h("p", { class: "waiting-now" }, h("progress", { "aria-label": t("challenge.waiting") }), t("challenge.waiting")),
        ];
        // The redirect back to GIMS is what completes a consent; the dialog only opens the page.
        const openPage = button(
          t("challenge.open_browser"),
          () =>
            void ipc.openConsentPage(open.id).catch((e: GimsError) => {
              problem.textContent = e.message;
            }),
          "primary",
        );
        actions = [cancelButton, openPage];
        focus = openPage;
        break;
      }
      default:
        body = [h("p", {}, t("challenge.unknown")), challenge.message ? h("p", {}, challenge.message) : null];
    }
    if (challenge.kind === "otp" || challenge.kind === "approval") phone = sandboxPhone(open.connectionId);
    replaceChildren(
      dialog,
      h(
        "h2",
        { id: "challenge-title" },
        t("challenge.title", { name: store.connectionName(open.connectionId) }),
        challenge.attempt > 1 ? h("span", { class: "attempt" }, t("challenge.attempt", { n: challenge.attempt })) : null,
      ),
      h("div", { class: "challenge-body", "data-kind": challenge.kind }, body),
      problem,
      waiting,
      h("div", { class: "dialog-actions" }, actions),
      phone?.element,
    );
    if (!dialog.open) dialog.showModal();
    focus.focus();
  };

  store.subscribe(() => {
    const next = store.challenges[0];
    if (!next) {
      if (shown !== null) close();
    } else if (next.id !== shown) {
      render(next);
    }
  });
  document.body.appendChild(dialog);
  return dialog;
}
