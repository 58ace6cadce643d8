//! The institution window's address bar: GIMS's own strip above the page (never part of it, so
//! the page cannot draw over or fake it) with the address being shown and whether the
//! connection is encrypted, as WebKit reports it (the certificate's TLS state, not the scheme
//! alone). On Linux it is a GTK label packed above the webview; elsewhere the window title
//! carries the same words. Everything here runs on the main thread (page-load handlers do).

use tauri::{Url, WebviewWindow};

/// What the bar says for `url` given WebKit's TLS verdict (`None`: not asked, or no certificate).
pub fn words(url: &Url, verified: Option<bool>) -> String {
    let state = match (url.scheme(), verified) {
        ("https", Some(true)) => "🔒 暗号化された接続（証明書を確認済み）",
        ("https", Some(false)) => "⚠ 証明書に問題があります",
        ("https", None) => "🔒 暗号化された接続",
        ("about", _) => "",
        _ => "⚠ 暗号化されていない接続",
    };
    format!("{state}  {url}").trim().to_string()
}

#[cfg(target_os = "linux")]
mod bar {
    use gtk::prelude::*;
    use std::cell::RefCell;
    use std::collections::HashMap;
    use webkit2gtk::WebViewExt;

    thread_local! {
        /// The bar of each open window, by window label (GTK objects stay on the main thread).
        static BARS: RefCell<HashMap<String, gtk::Label>> = RefCell::new(HashMap::new());
    }

    pub fn show(window: &super::WebviewWindow, url: &super::Url) {
        let label = window.label().to_string();
        let url = url.clone();
        let bar = BARS.with(|bars| bars.borrow().get(&label).cloned());
        let bar = match bar {
            Some(bar) => bar,
            None => {
                let Ok(vbox) = window.default_vbox() else { return };
                let bar = gtk::Label::new(None);
                bar.set_widget_name("gims-address-bar");
                bar.set_xalign(0.0);
                bar.set_selectable(true);
                bar.set_ellipsize(gtk::pango::EllipsizeMode::Middle);
                bar.set_margin_start(10);
                bar.set_margin_end(10);
                bar.set_margin_top(6);
                bar.set_margin_bottom(6);
                vbox.pack_start(&bar, false, false, 0);
                vbox.reorder_child(&bar, 0);
                bar.show();
                let forget = label.clone();
                bar.connect_destroy(move |_| {
                    BARS.with(|bars| bars.borrow_mut().remove(&forget));
                });
                BARS.with(|bars| bars.borrow_mut().insert(label.clone(), bar.clone()));
                bar
            }
        };
        bar.set_text(&super::words(&url, None));
        // WebKit's verdict on the certificate of the page now shown (the closure runs on the
        // main thread, where the bar is found again by the window's label).
        let _ = window.with_webview(move |webview| {
            let verified = webview.inner().tls_info().map(|(_, errors)| errors.is_empty());
            BARS.with(|bars| {
                if let Some(bar) = bars.borrow().get(&label) {
                    bar.set_text(&super::words(&url, verified));
                }
            });
        });
    }
}

/// Shows `url` in the window's address bar (and its title).
pub fn show(window: &WebviewWindow, institution: &str, url: &Url) {
    let _ = window.set_title(&format!("{} — {institution} — GIMS", words(url, None)));
    #[cfg(target_os = "linux")]
    bar::show(window, url);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_says_what_the_connection_is() {
        let bank = Url::parse("https://fes.rakuten-bank.co.jp/MS/main/RbS").unwrap();
        assert_eq!(
            words(&bank, Some(true)),
            "🔒 暗号化された接続（証明書を確認済み）  https://fes.rakuten-bank.co.jp/MS/main/RbS"
        );
        assert!(words(&bank, Some(false)).starts_with("⚠ 証明書に問題があります"));
        let plain = Url::parse("http://127.0.0.1:4100/sandbox-window-bank/login").unwrap();
        assert!(words(&plain, None).starts_with("⚠ 暗号化されていない接続  http://127.0.0.1:4100/"));
        assert_eq!(words(&Url::parse("about:blank").unwrap(), None), "about:blank");
    }
}
