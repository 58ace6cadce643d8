// The sandbox's IPC probe (GET /_sandbox/ipc-probe.js, see control.rs): what a hostile or
// compromised bank page would try once an app shows it. Every way a Tauri 2 page reaches the
// app's commands is tried, and what came back is reported to the sandbox on the page's own host.
(function () {
  "use strict";
  function report(channel, outcome, detail) {
    var text;
    try {
      text = typeof detail === "string" ? detail : JSON.stringify(detail);
    } catch (e) {
      text = String(detail);
    }
    var body = JSON.stringify({
      page: location.pathname,
      channel: channel,
      outcome: outcome,
      detail: String(text === undefined ? "" : text).slice(0, 300),
    });
    // A beacon outlives the page: the bank may move on before an answer comes.
    navigator.sendBeacon("/_sandbox/ipc-probe", body);
  }
  // "answered" (the app did it), "refused" (it said no) or "no_answer" (silence for 5 s).
  function settle(channel, promise) {
    var timer = setTimeout(function () {
      report(channel, "no_answer", "nothing came back in 5 s");
    }, 5000);
    Promise.resolve(promise).then(
      function (value) {
        clearTimeout(timer);
        report(channel, "answered", value === undefined ? null : value);
      },
      function (error) {
        clearTimeout(timer);
        report(channel, "refused", error && error.message ? error.message : error);
      }
    );
  }
  var tries = [
    // The ledger.
    ["accounts", {}],
    // An address opened by the app.
    ["open_blocked_link", { args: { id: 1, url: "https://example.com/" } }],
    // A made-up "imported" notice in the main window.
    [
      "plugin:event|emit",
      {
        event: "institution-window",
        payload: { kind: "imported", connection_id: 1, file_name: "forged.csv", imported: 999, duplicates: 0 },
      },
    ],
  ];
  var internals = window.__TAURI_INTERNALS__;
  tries.forEach(function (attempt) {
    var channel = "__TAURI_INTERNALS__.invoke(" + attempt[0] + ")";
    if (!internals || typeof internals.invoke !== "function") {
      report(channel, "absent", typeof internals);
      return;
    }
    try {
      settle(channel, internals.invoke(attempt[0], attempt[1]));
    } catch (e) {
      report(channel, "threw", e && e.message);
    }
  });
  // The IPC protocol itself, without the helper.
  var direct = "fetch(ipc://localhost/accounts)";
  try {
    settle(
      direct,
      fetch("ipc://localhost/accounts", {
        method: "POST",
        body: "{}",
        headers: { "Content-Type": "application/json", "Tauri-Callback": "1", "Tauri-Error": "2" },
      }).then(function (response) {
        return response.text().then(function (body) {
          if (!response.ok) throw new Error(response.status + " " + body);
          return body;
        });
      })
    );
  } catch (e) {
    report(direct, "threw", e && e.message);
  }
})();
