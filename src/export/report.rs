//! A month's report as a file the user keeps: a self-contained HTML page (charts as inline SVG,
//! no script, no external resource, a Content-Security-Policy that forbids both) and a CSV of the
//! same figures. The core computed the numbers ([`crate::report`]); this only lays them out.
//!
//! Every string that came from an institution or the user (category names above all) is escaped;
//! chart geometry is integer arithmetic on minor units.

use super::{neutralise_cell, write_failed};
use crate::error::{GimsError, Result};
use crate::money::{Amount, Currency, format_for_people};
use crate::report::{AssetReport, MonthlyReport};
use std::fmt::Write as _;
use std::io::Write;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportExportFormat {
    Html,
    Csv,
}

impl ReportExportFormat {
    pub fn from_id(id: &str) -> Option<ReportExportFormat> {
        match id {
            "html" => Some(ReportExportFormat::Html),
            "csv" => Some(ReportExportFormat::Csv),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ReportExportFormat::Html => "html",
            ReportExportFormat::Csv => "csv",
        }
    }
}

/// How people read an asset class.
pub fn asset_class_label(class: &str) -> &'static str {
    match class {
        "deposits" => "預金・現金",
        "securities" => "株式・投信・年金",
        "crypto" => "暗号資産",
        "points" => "ポイント・マイル",
        "emoney" => "電子マネー",
        "liabilities" => "負債（カード・ローン）",
        _ => "その他",
    }
}

fn minor(decimal: &str, currency: &str) -> Result<(i64, Currency)> {
    let currency = Currency::parse(currency).map_err(GimsError::internal)?;
    let amount = Amount::parse(decimal, &currency).map_err(GimsError::internal)?;
    Ok((amount.minor, currency))
}

fn people(decimal: &str, currency: &str) -> String {
    match minor(decimal, currency) {
        Ok((minor, currency)) => format_for_people(&Amount::from_minor(minor, currency)),
        Err(_) => format!("{decimal} {currency}"),
    }
}

/// Escapes text for HTML element content and attribute values alike.
pub fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => escaped.push(' '),
            c => escaped.push(c),
        }
    }
    escaped
}

/// One bar of a chart: a label, the amount it stands for (minor units, ≥ 0 for the length),
/// the figure printed beside it, and its colour.
struct Bar {
    label: String,
    length: i64,
    figure: String,
    colour: &'static str,
}

const BAR_AREA: i64 = 420;
const LABEL_WIDTH: i64 = 200;
const ROW_HEIGHT: i64 = 28;

/// A horizontal bar chart as inline SVG; lengths are proportional to the largest bar.
fn bar_chart(title: &str, bars: &[Bar]) -> String {
    let largest = bars.iter().map(|b| b.length).max().unwrap_or(0).max(1);
    let height = ROW_HEIGHT * i64::try_from(bars.len()).unwrap_or(0) + 8;
    let width = LABEL_WIDTH + BAR_AREA + 140;
    let mut svg = format!(
        "<svg role=\"img\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\"><title>{}</title>",
        escape_html(title)
    );
    for (row, bar) in bars.iter().enumerate() {
        let y = ROW_HEIGHT * i64::try_from(row).unwrap_or(0) + 4;
        // Integer geometry: length × area ÷ largest, in i128 so no product overflows.
        let length = i64::try_from(i128::from(bar.length.max(0)) * i128::from(BAR_AREA) / i128::from(largest))
            .unwrap_or(BAR_AREA);
        let label = escape_html(&bar.label);
        let figure = escape_html(&bar.figure);
        let _ = write!(
            svg,
            "<g><title>{label}: {figure}</title>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"label\">{label}</text>\
             <rect x=\"{LABEL_WIDTH}\" y=\"{y}\" width=\"{length}\" height=\"{}\" fill=\"{}\"/>\
             <text x=\"{}\" y=\"{}\" class=\"figure\">{figure}</text></g>",
            LABEL_WIDTH - 8,
            y + 15,
            ROW_HEIGHT - 8,
            bar.colour,
            LABEL_WIDTH + length + 6,
            y + 15,
        );
    }
    svg.push_str("</svg>");
    svg
}

const STYLE: &str = "body{font-family:'Noto Sans CJK JP','Hiragino Sans','Yu Gothic',sans-serif;margin:2em;color:#1a1a1a;max-width:60em}\
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:2em;border-bottom:1px solid #ccc}\
table{border-collapse:collapse;margin:.5em 0}td,th{padding:.2em .8em;border-bottom:1px solid #eee;text-align:left}\
td.amount,th.amount{text-align:right;font-variant-numeric:tabular-nums}.negative{color:#b00020}\
svg text{font-size:13px;fill:#1a1a1a}.summary td{font-size:1.1em}footer{margin-top:3em;color:#666;font-size:.85em}";

fn amount_cell(decimal: &str, currency: &str) -> String {
    let class = if decimal.starts_with('-') { "amount negative" } else { "amount" };
    format!("<td class=\"{class}\">{}</td>", escape_html(&people(decimal, currency)))
}

/// The month's report as one HTML page with nothing outside it.
pub fn write_report_html(monthly: &MonthlyReport, assets: &AssetReport, out: &mut dyn Write) -> Result<()> {
    let currency = monthly.currency.as_str();
    let (year, month) = monthly.month.split_once('-').unwrap_or((monthly.month.as_str(), ""));
    let title = format!("{year}年{}月の家計レポート", month.trim_start_matches('0'));
    let mut html = String::new();
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><style>{STYLE}</style></head><body>\n<h1>{}</h1>\n",
        escape_html(&title),
        escape_html(&title)
    );

    html.push_str("<section><h2>収支</h2><table class=\"summary\">");
    for (label, value) in [("収入", &monthly.income), ("支出", &monthly.expense), ("収支", &monthly.net)] {
        let _ = write!(html, "<tr><th>{label}</th>{}</tr>", amount_cell(value, currency));
    }
    html.push_str("</table>");
    let (income, _) = minor(&monthly.income, currency)?;
    let (expense, _) = minor(&monthly.expense, currency)?;
    html.push_str(&bar_chart(
        "収入と支出",
        &[
            Bar {
                label: "収入".into(), length: income, figure: people(&monthly.income, currency), colour: "#2e7d32"
            },
            Bar {
                label: "支出".into(),
                length: expense,
                figure: people(&monthly.expense, currency),
                colour: "#c62828",
            },
        ],
    ));
    html.push_str("<p>振替と計算対象外の明細は含みません。</p></section>\n");

    // Spending by 大項目 (chart), then every (大項目, 中項目) line (table).
    let mut spending: Vec<(String, i64)> = Vec::new();
    for line in monthly.categories.iter().filter(|l| l.kind != "income") {
        let (amount, _) = minor(&line.amount, currency)?;
        match spending.iter_mut().find(|(name, _)| *name == line.category) {
            Some((_, total)) => *total -= amount,
            None => spending.push((line.category.clone(), -amount)),
        }
    }
    spending.sort_by_key(|(_, total)| std::cmp::Reverse(*total));
    let bars: Vec<Bar> = spending
        .iter()
        .filter(|(_, total)| *total > 0)
        .map(|(name, total)| Bar {
            label: name.clone(),
            length: *total,
            figure: format_for_people(&Amount::from_minor(*total, Currency::jpy())),
            colour: "#c62828",
        })
        .collect();
    html.push_str("<section><h2>支出の内訳</h2>");
    if bars.is_empty() {
        html.push_str("<p>この月の支出はありません。</p>");
    } else {
        html.push_str(&bar_chart("大項目別の支出", &bars));
    }
    for (heading, income_side) in [("支出（大項目・中項目）", false), ("収入（大項目・中項目）", true)]
    {
        let lines: Vec<_> = monthly.categories.iter().filter(|l| (l.kind == "income") == income_side).collect();
        if lines.is_empty() {
            continue;
        }
        let _ = write!(
            html,
            "<h3>{heading}</h3><table><tr><th>大項目</th><th>中項目</th><th class=\"amount\">金額</th></tr>"
        );
        for line in lines {
            let _ = write!(
                html,
                "<tr><td>{}</td><td>{}</td>{}</tr>",
                escape_html(&line.category),
                escape_html(line.subcategory.as_deref().unwrap_or("")),
                amount_cell(&line.amount, currency)
            );
        }
        html.push_str("</table>");
    }
    for other in &monthly.other_currencies {
        let _ = write!(
            html,
            "<p>{}建て（円に換算していません）: 収入 {}、支出 {}</p>",
            escape_html(&other.currency),
            escape_html(&people(&other.income, &other.currency)),
            escape_html(&people(&other.expense, &other.currency))
        );
    }
    html.push_str("</section>\n");

    let _ = write!(html, "<section><h2>資産の内訳（{} 時点）</h2>", escape_html(&assets.date.replace('-', "/")));
    let mut bars = Vec::new();
    html.push_str("<table><tr><th>種類</th><th class=\"amount\">金額</th></tr>");
    for line in &assets.classes {
        let (amount, _) = minor(&line.amount, &assets.currency)?;
        bars.push(Bar {
            label: asset_class_label(line.class).to_owned(),
            length: amount.saturating_abs(),
            figure: people(&line.amount, &assets.currency),
            colour: if amount < 0 { "#c62828" } else { "#1565c0" },
        });
        let _ = write!(
            html,
            "<tr><td>{}</td>{}</tr>",
            escape_html(asset_class_label(line.class)),
            amount_cell(&line.amount, &assets.currency)
        );
    }
    let _ = write!(html, "<tr><th>純資産</th>{}</tr></table>", amount_cell(&assets.total, &assets.currency));
    if !bars.is_empty() {
        html.push_str(&bar_chart("資産の内訳", &bars));
    }
    for account in &assets.unvalued {
        let _ = write!(
            html,
            "<p>口座 {} は {}（円に換算していません）</p>",
            account.account_id,
            escape_html(&people(&account.balance, &account.currency))
        );
    }
    html.push_str("</section>\n<footer>GIMS が端末内で作成したレポートです。</footer>\n</body></html>\n");
    out.write_all(html.as_bytes()).map_err(write_failed)
}

/// The same figures as CSV: `section,category,subcategory,kind,amount,currency`, one row per
/// total, category line, asset class (at `as_of`, the month's last day) and other currency.
pub fn write_report_csv(monthly: &MonthlyReport, assets: &AssetReport, out: &mut dyn Write) -> Result<()> {
    out.write_all("\u{feff}".as_bytes()).map_err(write_failed)?;
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(out);
    let mut rows: Vec<[String; 6]> = vec![
        ["section", "category", "subcategory", "kind", "amount", "currency"].map(String::from),
        ["month".into(), monthly.month.clone(), String::new(), String::new(), String::new(), String::new()],
    ];
    for (kind, value) in [("income", &monthly.income), ("expense", &monthly.expense), ("net", &monthly.net)] {
        rows.push(["total".into(), String::new(), String::new(), kind.into(), value.clone(), monthly.currency.clone()]);
    }
    for line in &monthly.categories {
        rows.push([
            "category".into(),
            neutralise_cell(&line.category).into_owned(),
            neutralise_cell(line.subcategory.as_deref().unwrap_or("")).into_owned(),
            line.kind.clone(),
            line.amount.clone(),
            monthly.currency.clone(),
        ]);
    }
    for other in &monthly.other_currencies {
        for (kind, value) in [("income", &other.income), ("expense", &other.expense)] {
            rows.push([
                "total".into(),
                String::new(),
                String::new(),
                kind.into(),
                value.clone(),
                other.currency.clone(),
            ]);
        }
    }
    rows.push(["as_of".into(), assets.date.clone(), String::new(), String::new(), String::new(), String::new()]);
    for line in &assets.classes {
        rows.push([
            "asset".into(),
            asset_class_label(line.class).into(),
            String::new(),
            line.class.into(),
            line.amount.clone(),
            assets.currency.clone(),
        ]);
    }
    rows.push([
        "asset".into(),
        "純資産".into(),
        String::new(),
        "net_worth".into(),
        assets.total.clone(),
        assets.currency.clone(),
    ]);
    for row in rows {
        writer.write_record(&row).map_err(|e| GimsError::internal(format!("the CSV report failed: {e}")))?;
    }
    writer.flush().map_err(write_failed)
}
