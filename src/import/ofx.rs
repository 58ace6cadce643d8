//! OFX and QFX statements: 1.x SGML (leaf tags left open) and 2.x XML, bank (STMTRS), credit
//! card (CCSTMTRS) and investment (INVSTMTRS: cash, trades, income, positions) statements.
//!
//! Both versions go through one tolerant tree builder, because real files mix the two: SGML with
//! some closed leaves, XML with unclosed aggregates. 2.x text is read with quick-xml (proper
//! entities and CDATA); if quick-xml gives up on a malformed file, the SGML tokenizer takes over.
//! The quirks handled are listed in `shared/reference/connector-protocols.md` §7.
//!
//! Dates are taken as written (`20241128093000.000[+9:JST]` is the 28th): a statement's date is
//! the institution's local date, and converting to UTC would move late-evening rows a day back.

use super::text::{LineIndex, TextEncoding, decimal_from_plain, decode_with_bom, fold_width, make_date};
use super::{AccountHint, AccountKind, Format, ParsedAccount, ParsedHolding, ParsedStatement, ParsedTrade};
use super::{ParsedTransaction, SkippedLine, new_transaction};
use crate::error::{ErrorCode, GimsError};
use quick_xml::events::Event;
use rust_decimal::Decimal;
use std::collections::HashMap;
use time::Date;

/// OFX signatures looked for in the first few kilobytes.
pub fn looks_like_ofx(bytes: &[u8]) -> bool {
    let head = bytes.get(..4096).unwrap_or(bytes);
    let text = match decode_with_bom(head) {
        Some((text, _)) => text,
        None => String::from_utf8_lossy(head).into_owned(),
    };
    let upper = text.to_ascii_uppercase();
    upper.contains("OFXHEADER") || upper.contains("<?OFX") || upper.contains("<OFX>")
}

/// Aggregates: elements that contain elements. Everything else is a leaf, whose closing tag is
/// optional in 1.x; a new tag after a leaf's text closes the leaf.
const AGGREGATES: &[&str] = &[
    "OFX",
    "SIGNONMSGSRSV1",
    "SONRS",
    "STATUS",
    "FI",
    "BANKMSGSRSV1",
    "STMTTRNRS",
    "STMTRS",
    "BANKACCTFROM",
    "BANKACCTTO",
    "BANKTRANLIST",
    "STMTTRN",
    "LEDGERBAL",
    "AVAILBAL",
    "CREDITCARDMSGSRSV1",
    "CCSTMTTRNRS",
    "CCSTMTRS",
    "CCACCTFROM",
    "CCACCTTO",
    "PAYEE",
    "CURRENCY",
    "ORIGCURRENCY",
    "BALLIST",
    "BAL",
    "INVSTMTMSGSRSV1",
    "INVSTMTTRNRS",
    "INVSTMTRS",
    "INVACCTFROM",
    "INVACCTTO",
    "INVTRANLIST",
    "INVBANKTRAN",
    "INVTRAN",
    "INVBUY",
    "INVSELL",
    "BUYSTOCK",
    "SELLSTOCK",
    "BUYMF",
    "SELLMF",
    "BUYDEBT",
    "SELLDEBT",
    "BUYOPT",
    "SELLOPT",
    "BUYOTHER",
    "SELLOTHER",
    "INCOME",
    "REINVEST",
    "RETOFCAP",
    "TRANSFER",
    "SPLIT",
    "INVEXPENSE",
    "MARGININTEREST",
    "JRNLFUND",
    "JRNLSEC",
    "CLOSUREOPT",
    "SECID",
    "INVPOSLIST",
    "POSSTOCK",
    "POSMF",
    "POSDEBT",
    "POSOPT",
    "POSOTHER",
    "INVPOS",
    "INVBAL",
    "INVOOLIST",
    "SECLISTMSGSRSV1",
    "SECLIST",
    "STOCKINFO",
    "MFINFO",
    "DEBTINFO",
    "OPTINFO",
    "OTHERINFO",
    "SECINFO",
    "MFASSETCLASS",
    "FIMFASSETCLASS",
    "PORTION",
    "FIPORTION",
    "MSGSETLIST",
    "SIGNUPMSGSRSV1",
];

fn is_aggregate(name: &str) -> bool {
    AGGREGATES.contains(&name)
}

/// One element of the tree: its (upper-cased) name, its text if a leaf, and where it started.
#[derive(Debug, Default)]
struct Element {
    name: String,
    text: String,
    line: usize,
    children: Vec<Element>,
}

impl Element {
    /// A leaf's trimmed text among the children, `None` when absent or empty. Looks inside leaves
    /// too, since an unclosed empty leaf can swallow its next sibling.
    fn leaf(&self, name: &str) -> Option<&str> {
        for child in &self.children {
            if child.name == name {
                let text = child.text.trim();
                return (!text.is_empty()).then_some(text);
            }
        }
        self.children.iter().filter(|child| !is_aggregate(&child.name)).find_map(|child| child.leaf(name))
    }

    fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|child| child.name == name)
    }

    /// The first element named `name` anywhere below.
    fn descendant(&self, name: &str) -> Option<&Element> {
        self.children.iter().find_map(|child| if child.name == name { Some(child) } else { child.descendant(name) })
    }

    /// Every element named `name` anywhere below (not looking inside a match).
    fn all<'a>(&'a self, name: &str, found: &mut Vec<&'a Element>) {
        for child in &self.children {
            if child.name == name {
                found.push(child);
            } else {
                child.all(name, found);
            }
        }
    }
}

/// Builds the tree from open/close/text events, closing what the file left open.
struct TreeBuilder {
    stack: Vec<Element>,
}

/// The tree, and the innermost aggregate still open when the file ended inside a statement: a
/// file cut short, whose missing rows would otherwise go unnoticed.
struct Tree {
    root: Element,
    cut_inside: Option<(String, usize)>,
}

/// Deeper than any real OFX file; a guard against hostile input, not a format rule.
const MAX_DEPTH: usize = 64;

impl TreeBuilder {
    fn new() -> TreeBuilder {
        TreeBuilder { stack: vec![Element { name: String::new(), ..Element::default() }] }
    }

    fn pop(&mut self) {
        if self.stack.len() > 1
            && let Some(element) = self.stack.pop()
            && let Some(parent) = self.stack.last_mut()
        {
            parent.children.push(element);
        }
    }

    fn open(&mut self, name: &str, line: usize) {
        let name = name.trim().to_ascii_uppercase();
        // OFX never nests an element in itself: a second <STMTTRN> closes the first.
        if let Some(position) = self.stack.iter().skip(1).position(|element| element.name == name) {
            while self.stack.len() > position + 1 {
                self.pop();
            }
        } else if self.stack.len() > 1 && self.stack.last().is_some_and(|top| !is_aggregate(&top.name)) {
            self.pop();
        }
        if self.stack.len() >= MAX_DEPTH {
            self.pop();
        }
        self.stack.push(Element { name, line, ..Element::default() });
    }

    fn close(&mut self, name: &str) {
        let name = name.trim().to_ascii_uppercase();
        if let Some(position) = self.stack.iter().skip(1).position(|element| element.name == name) {
            while self.stack.len() > position + 1 {
                self.pop();
            }
        }
    }

    fn text(&mut self, text: &str) {
        if self.stack.len() > 1
            && let Some(top) = self.stack.last_mut()
        {
            top.text.push_str(text);
        }
    }

    fn finish(mut self) -> Tree {
        // Only a statement left open counts: a file that merely omits its last closing tags
        // (`</STMTTRNRS></BANKMSGSRSV1></OFX>`) has lost nothing.
        let in_statement = self.stack.iter().any(|element| STATEMENTS.iter().any(|(name, _)| *name == element.name));
        let cut_inside = self
            .stack
            .iter()
            .skip(1)
            .rev()
            .find(|element| in_statement && is_aggregate(&element.name))
            .map(|element| (element.name.clone(), element.line));
        while self.stack.len() > 1 {
            self.pop();
        }
        Tree { root: self.stack.pop().unwrap_or_default(), cut_inside }
    }
}

/// Decodes an OFX file. Bytes that are valid UTF-8 are UTF-8 whatever the header declares
/// (`CHARSET:1252` with UTF-8 bodies is common, and Japanese files send `CHARSET:CSUNICODE` with
/// UTF-8); otherwise a Japanese declaration means CP932, anything else Windows-1252 (which also
/// covers ISO-8859-1 and `CHARSET:NONE`).
fn decode(bytes: &[u8]) -> (String, TextEncoding) {
    if let Some(decoded) = decode_with_bom(bytes) {
        return decoded;
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return (text.to_owned(), TextEncoding::Utf8);
    }
    let head = String::from_utf8_lossy(bytes.get(..1024).unwrap_or(bytes)).to_ascii_uppercase();
    let odd_zeros = bytes.iter().skip(1).step_by(2).take(256).filter(|byte| **byte == 0).count();
    if odd_zeros > 64 {
        // UCS-2 without a byte-order mark (what CSUNICODE strictly names).
        let (text, _, _) = encoding_rs::UTF_16LE.decode(bytes);
        return (text.into_owned(), TextEncoding::Utf16);
    }
    let japanese =
        ["932", "SHIFT_JIS", "SHIFT-JIS", "SJIS", "CSUNICODE", "WINDOWS-31J"].iter().any(|hint| head.contains(hint));
    if japanese {
        (encoding_rs::SHIFT_JIS.decode_without_bom_handling(bytes).0.into_owned(), TextEncoding::Cp932)
    } else {
        (encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0.into_owned(), TextEncoding::Windows1252)
    }
}

/// Reads `text` as SGML: tags, text with entities, CDATA; comment markers are dropped but not
/// their content (some institutions wrap the whole body in `<!-- -->`).
fn build_sgml(text: &str, base_offset: usize, lines: &LineIndex) -> Tree {
    let mut builder = TreeBuilder::new();
    let mut rest = text;
    let mut offset = base_offset;
    while !rest.is_empty() {
        let advance;
        if let Some(after) = rest.strip_prefix("<![CDATA[") {
            let end = after.find("]]>").unwrap_or(after.len());
            builder.text(after.get(..end).unwrap_or_default());
            advance = "<![CDATA[".len() + (end + 3).min(after.len());
        } else if rest.starts_with("<!--") {
            advance = 4;
        } else if rest.starts_with("-->") {
            advance = 3;
        } else if rest.starts_with("<?") || rest.starts_with("<!") {
            advance = rest.find('>').map_or(rest.len(), |end| end + 1);
        } else if let Some(after) = rest.strip_prefix('<') {
            let is_tag = after.starts_with('/') || after.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
            match after.find('>') {
                Some(end) if is_tag => {
                    let tag = after.get(..end).unwrap_or_default();
                    let line = lines.line(offset);
                    if let Some(name) = tag.strip_prefix('/') {
                        builder.close(name);
                    } else if let Some(name) = tag.strip_suffix('/') {
                        builder.open(name, line);
                        builder.close(name);
                    } else {
                        builder.open(tag.split_whitespace().next().unwrap_or_default(), line);
                    }
                    advance = end + 2;
                }
                _ => {
                    builder.text("<");
                    advance = 1;
                }
            }
        } else {
            let end = rest.find('<').unwrap_or(rest.len());
            // A `-->` inside the text is a comment end, not text.
            let end = rest.get(..end).and_then(|chunk| chunk.find("-->")).unwrap_or(end);
            builder.text(&decode_entities(rest.get(..end).unwrap_or_default()));
            advance = end.max(1);
        }
        let advance = advance.min(rest.len());
        // Stay on a character boundary whatever happened above.
        let advance = (advance..=rest.len()).find(|index| rest.is_char_boundary(*index)).unwrap_or(rest.len());
        offset += advance;
        rest = rest.get(advance..).unwrap_or_default();
    }
    builder.finish()
}

/// Reads `text` as XML with quick-xml; `None` when it is not well-formed enough.
fn build_xml(text: &str, lines: &LineIndex) -> Option<Tree> {
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().check_end_names = false;
    let mut builder = TreeBuilder::new();
    loop {
        let start = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        match reader.read_event().ok()? {
            Event::Start(element) => {
                let name = String::from_utf8_lossy(element.name().as_ref()).into_owned();
                builder.open(&name, lines.line(start));
            }
            Event::Empty(element) => {
                let name = String::from_utf8_lossy(element.name().as_ref()).into_owned();
                builder.open(&name, lines.line(start));
                builder.close(&name);
            }
            Event::End(element) => builder.close(&String::from_utf8_lossy(element.name().as_ref())),
            Event::Text(text) => match text.unescape() {
                Ok(unescaped) => builder.text(&unescaped),
                Err(_) => builder.text(&decode_entities(&String::from_utf8_lossy(&text))),
            },
            Event::CData(data) => builder.text(&String::from_utf8_lossy(&data.into_inner())),
            Event::Eof => break,
            _ => {}
        }
    }
    Some(builder.finish())
}

/// The five XML entities, numeric references and `&nbsp;`; anything else is left as written.
fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('&') {
        out.push_str(rest.get(..start).unwrap_or_default());
        let after = rest.get(start + 1..).unwrap_or_default();
        let entity_end = after.find(';').filter(|end| *end <= 10);
        let decoded = entity_end.and_then(|end| {
            let name = after.get(..end)?;
            let character = match name {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                "nbsp" => ' ',
                _ => {
                    let number = name.strip_prefix('#')?;
                    let code = match number.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => number.parse().ok()?,
                    };
                    char::from_u32(code)?
                }
            };
            Some((character, end))
        });
        match decoded {
            Some((character, end)) => {
                out.push(character);
                rest = after.get(end + 1..).unwrap_or_default();
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// An OFX date (`YYYYMMDD[HHMMSS[.XXX]][[±h[.mm]][:TZ]]`) as the date written; `00000000` and
/// anything without eight leading digits is no date.
fn ofx_date(text: &str) -> Option<Date> {
    let folded = fold_width(text);
    let digits = folded.trim().get(..8)?;
    if !digits.bytes().all(|b| b.is_ascii_digit()) || digits == "00000000" {
        return None;
    }
    let number = |range: std::ops::Range<usize>| digits.get(range).and_then(|s| s.parse::<i64>().ok());
    make_date(number(0..4)?, number(4..6)?, number(6..8)?)
}

/// An OFX amount as real files write it: `-6.60`, `-6,60` (decimal comma), `1.234,56`,
/// `+1 006,60`, `1'055.00`, `+00000000000115.8331`, `-.50`, `(12.50)`, `55.00-`, `$120`, `−5`
/// (U+2212). A lone comma is a decimal comma, except before exactly three digits in a currency
/// with fewer places (`1,055` dollars) or in one without a minor unit (JPY). Exact, never `f64`.
fn ofx_amount(text: &str, currency: &str) -> Result<Decimal, String> {
    let folded = fold_width(text);
    let mut body: String = folded
        .trim()
        .chars()
        .filter(|c| !matches!(c, '$' | '¥' | '€' | '£' | '\'' | '’' | ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}'))
        .map(|c| if c == '\u{2212}' { '-' } else { c })
        .collect();
    let mut negative = false;
    if let Some(inner) = body.strip_prefix('(').and_then(|rest| rest.strip_suffix(')')) {
        negative = true;
        body = inner.to_owned();
    } else if let Some(inner) = body.strip_suffix('-').filter(|inner| !inner.starts_with(['-', '+'])) {
        negative = true;
        body = inner.to_owned();
    }
    let places = crate::money::Currency::parse(currency).map(|known| known.exponent()).ok();
    let last_comma = body.rfind(',');
    let last_point = body.rfind('.');
    let after_comma = last_comma.and_then(|comma| body.get(comma + 1..)).unwrap_or_default();
    let thousands_comma = match places {
        Some(0) => true,
        Some(places) => after_comma.len() == 3 && places < 3 && after_comma.bytes().all(|b| b.is_ascii_digit()),
        None => false,
    };
    let normalised = match (last_comma, last_point) {
        (Some(comma), Some(point)) if comma > point => body.replace('.', "").replacen(',', ".", 1),
        (Some(_), Some(_)) => body.replace(',', ""),
        (Some(_), None) if !thousands_comma && body.matches(',').count() == 1 => body.replace(',', "."),
        (Some(_), None) => body.replace(',', ""),
        (None, Some(_)) if body.matches('.').count() > 1 => body.replace('.', ""),
        _ => body,
    };
    // `.50` and `-.50`: a leading point is a zero before it.
    let digit_after = |point: usize| normalised.as_bytes().get(point + 1).is_some_and(u8::is_ascii_digit);
    let normalised = match normalised.find('.') {
        Some(0) if digit_after(0) => format!("0{normalised}"),
        Some(1) if normalised.starts_with(['-', '+']) && digit_after(1) => normalised.replacen('.', "0.", 1),
        _ => normalised,
    };
    decimal_from_plain(&normalised).map(|value| if negative { -value } else { value }).ok_or_else(|| {
        let shown: String = text.trim().chars().take(40).collect();
        format!("`{shown}` is not a number")
    })
}

pub fn parse(bytes: &[u8]) -> Result<ParsedStatement, GimsError> {
    let (text, encoding) = decode(bytes);
    let lines = LineIndex::new(&text);
    let upper = text.to_ascii_uppercase();
    let Some(body_start) = upper.find("<OFX>").or_else(|| upper.find("<OFX ")) else {
        return Err(GimsError::new(
            ErrorCode::ImportUnrecognisedFormat,
            "The file has an OFX header but no <OFX> body. Download the statement again.",
        ));
    };
    let is_xml = upper.get(..body_start).is_some_and(|header| header.contains("<?XML") || header.contains("<?OFX"));
    // quick-xml reads the whole text (the XML declaration is its business); the SGML tokenizer
    // starts at <OFX>, past a 1.x header that has no tags. Both report offsets in the whole text.
    let tree = if is_xml { build_xml(&text, &lines) } else { None }
        .unwrap_or_else(|| build_sgml(text.get(body_start..).unwrap_or_default(), body_start, &lines));
    if let Some((name, line)) = &tree.cut_inside {
        return Err(GimsError::new(
            ErrorCode::InputInvalid,
            format!(
                "The OFX file ends (line {}) inside the <{name}> opened at line {line}, which is never closed: \
                 the file looks cut short, and rows after that point would be missing. Download the statement again.",
                lines.line(text.len())
            ),
        ));
    }
    let Some(ofx) = tree.root.descendant("OFX") else {
        return Err(GimsError::new(ErrorCode::ImportUnrecognisedFormat, "The OFX file has no <OFX> element."));
    };
    read_statements(ofx, encoding)
}

/// Statement aggregates: what GIMS imports.
const STATEMENTS: [(&str, AccountKind); 3] =
    [("STMTRS", AccountKind::Bank), ("CCSTMTRS", AccountKind::Card), ("INVSTMTRS", AccountKind::Securities)];

/// `<STMTTRN>` rows outside every statement aggregate (a list closed too early, a misplaced
/// message set): they are read by nothing, so each is reported instead of vanishing.
fn stray_rows<'a>(element: &'a Element, found: &mut Vec<&'a Element>) {
    for child in &element.children {
        if child.name == "STMTTRN" {
            found.push(child);
        } else if !STATEMENTS.iter().any(|(name, _)| *name == child.name) {
            stray_rows(child, found);
        }
    }
}

fn read_statements(ofx: &Element, encoding: TextEncoding) -> Result<ParsedStatement, GimsError> {
    let signon = ofx.descendant("SONRS");
    let institution = signon
        .and_then(|sonrs| sonrs.child("FI"))
        .and_then(|fi| fi.leaf("ORG"))
        .map(str::to_owned)
        .unwrap_or_else(|| "OFX".to_owned());
    let server_date = signon.and_then(|sonrs| sonrs.leaf("DTSERVER")).and_then(ofx_date);

    let mut statement = ParsedStatement { format: Format::Ofx, encoding, accounts: Vec::new(), skipped: Vec::new() };
    let mut securities: HashMap<String, String> = HashMap::new();
    let mut infos = Vec::new();
    ofx.all("SECINFO", &mut infos);
    for info in infos {
        if let (Some(id), Some(name)) =
            (info.child("SECID").and_then(|secid| secid.leaf("UNIQUEID")), info.leaf("SECNAME"))
        {
            securities.insert(id.to_owned(), name.to_owned());
        }
    }

    for (aggregate, kind) in STATEMENTS {
        let mut found = Vec::new();
        ofx.all(aggregate, &mut found);
        for element in found {
            let account = if kind == AccountKind::Securities {
                read_investment(element, &institution, &securities, &mut statement.skipped)
            } else {
                read_bank_or_card(element, kind, &institution, server_date, &mut statement.skipped)
            };
            statement.accounts.push(account);
        }
    }

    let mut strays = Vec::new();
    stray_rows(ofx, &mut strays);
    for row in strays {
        statement.skipped.push(SkippedLine {
            line: row.line,
            reason: format!(
                "STMTTRN{} is outside any statement (STMTRS or CCSTMTRS) and was not read",
                fitid_note(row)
            ),
        });
    }

    if statement.accounts.is_empty() {
        let mut statuses = Vec::new();
        ofx.all("STATUS", &mut statuses);
        if let Some(status) = statuses.into_iter().find(|status| status.leaf("CODE").is_some_and(|code| code != "0")) {
            let code = status.leaf("CODE").unwrap_or_default();
            let message = status.leaf("MESSAGE").unwrap_or("no message");
            return Err(GimsError::new(
                ErrorCode::InputInvalid,
                format!(
                    "The OFX file holds an error from the institution instead of a statement (code {code}: {message}). \
                     Download the statement again from the institution's site."
                ),
            ));
        }
        if statement.skipped.is_empty() {
            // Sign-on only, an account list, a profile: a valid OFX response, but not a statement.
            let held: Vec<String> = ofx
                .children
                .iter()
                .filter(|child| child.name != "SIGNONMSGSRSV1")
                .map(|child| format!("<{}> at line {}", child.name, child.line))
                .collect();
            let held = if held.is_empty() { "only a sign-on response".to_owned() } else { held.join(", ") };
            return Err(GimsError::new(
                ErrorCode::InputInvalid,
                format!(
                    "The OFX file holds no bank, card or investment statement ({held}). \
                     Download the account's statement (its transactions) from the institution's site."
                ),
            ));
        }
    }
    Ok(statement)
}

/// The statement's currency: CURDEF; when that is missing or empty (seen in the wild), the one
/// currency every row names in its CURRENCY aggregate; `XXX` (unknown: the importer asks) else.
fn currency_of(statement: &Element) -> String {
    if let Some(code) = statement.leaf("CURDEF") {
        return code.to_ascii_uppercase();
    }
    let mut rows = Vec::new();
    statement.all("STMTTRN", &mut rows);
    let named: Option<Vec<String>> = rows
        .iter()
        .map(|row| row.child("CURRENCY").and_then(|currency| currency.leaf("CURSYM")).map(str::to_ascii_uppercase))
        .collect();
    match named.as_deref() {
        Some([first, rest @ ..]) if rest.iter().all(|code| code == first) => first.clone(),
        _ => "XXX".to_owned(),
    }
}

fn read_bank_or_card(
    statement: &Element,
    kind: AccountKind,
    institution: &str,
    server_date: Option<Date>,
    skipped: &mut Vec<SkippedLine>,
) -> ParsedAccount {
    let currency = currency_of(statement);
    let from = statement.child("BANKACCTFROM").or_else(|| statement.child("CCACCTFROM"));
    let mut hint = AccountHint::new(institution, kind);
    hint.currency = currency.clone();
    hint.account_number = from.and_then(|from| from.leaf("ACCTID")).map(str::to_owned);
    hint.name = from.and_then(|from| from.leaf("ACCTTYPE")).map(str::to_owned);
    let mut account = ParsedAccount::new(hint);

    // Every row of the statement, in the transaction list or not (a second list, a list closed
    // too early): a row is imported or reported, never left behind.
    let mut rows = Vec::new();
    statement.all("STMTTRN", &mut rows);
    for row in rows {
        match read_stmttrn(row, &currency) {
            Ok(transaction) => account.transactions.push(transaction),
            Err(reason) => skipped.push(SkippedLine { line: row.line, reason }),
        }
    }
    qualify_shared_fitids(&mut account.transactions);
    let list_end = statement.child("BANKTRANLIST").and_then(|list| list.leaf("DTEND")).and_then(ofx_date);
    let fallback_date = list_end.or(server_date);
    account.ledger_balance =
        statement.child("LEDGERBAL").and_then(|balance| read_balance(balance, &currency, fallback_date));
    account.available_balance =
        statement.child("AVAILBAL").and_then(|balance| read_balance(balance, &currency, fallback_date));
    account
}

/// Some institutions give one FITID to different transactions (a pending row and its posting
/// with another amount, or a date as the id). The ledger deduplicates by id, so such rows would
/// be taken for one another and all but the first dropped as "already imported". Each is kept
/// apart by its date and amount; rows that agree in everything stay identical (a row the
/// institution sent twice is still one transaction).
fn qualify_shared_fitids(transactions: &mut [ParsedTransaction]) {
    let mut by_id: HashMap<String, Vec<usize>> = HashMap::new();
    for (index, transaction) in transactions.iter().enumerate() {
        if let Some(id) = &transaction.external_id {
            by_id.entry(id.clone()).or_default().push(index);
        }
    }
    let content = |t: &ParsedTransaction| (t.date, t.amount.normalize(), t.description.clone(), t.memo.clone());
    for (id, indexes) in by_id {
        let first = indexes.first().and_then(|index| transactions.get(*index)).map(content);
        let differ = indexes.iter().filter_map(|index| transactions.get(*index)).any(|t| Some(content(t)) != first);
        if !differ {
            continue;
        }
        for index in indexes {
            if let Some(transaction) = transactions.get_mut(index) {
                transaction.external_id = Some(format!("{id}/{}/{}", transaction.date, transaction.amount.normalize()));
            }
        }
    }
}

/// A balance aggregate; empty or unreadable ones (seen in the wild) give `None`.
fn read_balance(balance: &Element, currency: &str, fallback_date: Option<Date>) -> Option<(Date, Decimal)> {
    let amount = ofx_amount(balance.leaf("BALAMT")?, currency).ok()?;
    let date = balance.leaf("DTASOF").and_then(ofx_date).or(fallback_date)?;
    Some((date, amount))
}

fn fitid_note(element: &Element) -> String {
    element.leaf("FITID").map(|fitid| format!(" (FITID {fitid})")).unwrap_or_default()
}

/// An amount in the statement's currency. A `<CURRENCY>` aggregate means the amounts around it
/// are in CURSYM, and CURRATE converts them to CURDEF (OFX 2.1.1 §5.2; `<ORIGCURRENCY>` would
/// mean they are already converted). Returns the amount and, when converted, a note for the memo.
fn in_statement_currency(
    amount: Decimal,
    holder: &Element,
    statement_currency: &str,
) -> Result<(Decimal, Option<String>), String> {
    let Some(foreign) = holder.child("CURRENCY") else { return Ok((amount, None)) };
    let code = foreign.leaf("CURSYM").map(str::to_ascii_uppercase).unwrap_or_default();
    if code.is_empty() || code == statement_currency || statement_currency == "XXX" {
        return Ok((amount, None));
    }
    let rate = foreign.leaf("CURRATE").ok_or_else(|| {
        format!("the amount is in {code}, the statement in {statement_currency}, and no CURRATE converts it")
    })?;
    let rate = ofx_amount(rate, "").map_err(|problem| format!("CURRATE {problem}"))?;
    let converted = amount.checked_mul(rate).ok_or_else(|| format!("{amount} {code} × {rate} is too large"))?;
    Ok((converted.normalize(), Some(format!("{amount} {code} at {rate}"))))
}

fn read_stmttrn(row: &Element, statement_currency: &str) -> Result<ParsedTransaction, String> {
    let date = match row.leaf("DTPOSTED") {
        None => return Err(format!("STMTTRN{} has no DTPOSTED", fitid_note(row))),
        Some(text) => ofx_date(text).ok_or_else(|| format!("DTPOSTED `{text}` is not a date"))?,
    };
    let amount_text = row.leaf("TRNAMT").ok_or_else(|| format!("STMTTRN{} has no TRNAMT", fitid_note(row)))?;
    let amount = ofx_amount(amount_text, statement_currency).map_err(|problem| format!("TRNAMT {problem}"))?;
    let (amount, converted) = in_statement_currency(amount, row, statement_currency)?;
    let currency = if statement_currency == "XXX" {
        row.child("CURRENCY").and_then(|currency| currency.leaf("CURSYM")).map(str::to_ascii_uppercase)
    } else {
        None
    };
    let mut transaction = new_transaction(row.line, date, amount, currency.as_deref().unwrap_or(statement_currency));
    let name = row.leaf("NAME").or_else(|| row.child("PAYEE").and_then(|payee| payee.leaf("NAME")));
    let memo = row.leaf("MEMO").unwrap_or_default();
    match name {
        Some(name) => {
            transaction.description = name.to_owned();
            transaction.memo = memo.to_owned();
        }
        None if !memo.is_empty() => transaction.description = memo.to_owned(),
        // A cheque or fee with neither NAME nor MEMO (valid OFX): its type and number say what it is.
        None => {
            let number = row.leaf("CHECKNUM").or_else(|| row.leaf("CHKNUM")).or_else(|| row.leaf("REFNUM"));
            let kind = row.leaf("TRNTYPE").map(str::to_ascii_uppercase).unwrap_or_else(|| "STMTTRN".to_owned());
            transaction.description = match number {
                Some(number) => format!("{kind} {number}"),
                None => kind,
            };
        }
    }
    if let Some(note) = converted {
        transaction.memo = if transaction.memo.is_empty() { note } else { format!("{} ({note})", transaction.memo) };
    }
    transaction.external_id = row.leaf("FITID").map(str::to_owned);
    Ok(transaction)
}

fn read_investment(
    statement: &Element,
    institution: &str,
    securities: &HashMap<String, String>,
    skipped: &mut Vec<SkippedLine>,
) -> ParsedAccount {
    let currency = currency_of(statement);
    let as_of = statement.leaf("DTASOF").and_then(ofx_date);
    let mut hint = AccountHint::new(institution, AccountKind::Securities);
    hint.currency = currency.clone();
    let from = statement.child("INVACCTFROM");
    hint.account_number = from.and_then(|from| from.leaf("ACCTID")).map(str::to_owned);
    hint.name = from.and_then(|from| from.leaf("BROKERID")).map(str::to_owned);
    let mut account = ParsedAccount::new(hint);

    if let Some(list) = statement.child("INVTRANLIST") {
        for entry in &list.children {
            let result = match entry.name.as_str() {
                "DTSTART" | "DTEND" => continue,
                "INVBANKTRAN" => match entry.child("STMTTRN") {
                    Some(row) => read_stmttrn(row, &currency),
                    None => Err("INVBANKTRAN has no STMTTRN".to_owned()),
                },
                _ => read_investment_transaction(entry, &currency, securities),
            };
            match result {
                Ok(transaction) => account.transactions.push(transaction),
                Err(reason) => skipped.push(SkippedLine { line: entry.line, reason }),
            }
        }
        qualify_shared_fitids(&mut account.transactions);
    }
    if let Some(positions) = statement.child("INVPOSLIST") {
        for position in &positions.children {
            let Some(invpos) = position.child("INVPOS") else { continue };
            let security_id = invpos.child("SECID").and_then(|secid| secid.leaf("UNIQUEID")).unwrap_or_default();
            let units = invpos.leaf("UNITS").and_then(|units| ofx_amount(units, "").ok());
            let Some(quantity) = units else {
                skipped.push(SkippedLine { line: position.line, reason: format!("{} has no UNITS", position.name) });
                continue;
            };
            account.holdings.push(ParsedHolding {
                security_id: security_id.to_owned(),
                security_name: securities.get(security_id).cloned().unwrap_or_default(),
                quantity,
                unit_price: invpos.leaf("UNITPRICE").and_then(|price| ofx_amount(price, "").ok()),
                market_value: invpos.leaf("MKTVAL").and_then(|value| ofx_amount(value, &currency).ok()),
                as_of: invpos.leaf("DTPRICEASOF").and_then(ofx_date).or(as_of),
            });
        }
    }
    if let (Some(balance), Some(as_of)) = (statement.child("INVBAL"), as_of) {
        account.available_balance =
            balance.leaf("AVAILCASH").and_then(|cash| ofx_amount(cash, &currency).ok()).map(|cash| (as_of, cash));
    }
    account
}

/// Investment transactions that move securities only: OFX gives them no TOTAL.
const WITHOUT_CASH: [&str; 4] = ["TRANSFER", "SPLIT", "JRNLSEC", "CLOSUREOPT"];

/// BUYSTOCK, SELLMF, INCOME, TRANSFER…: the cash side is TOTAL as written (OFX signs it from the
/// account's side: buys negative; REINVEST moves no cash), the security side UNITS as written. A
/// row that should carry a TOTAL and does not is reported, not read as zero.
fn read_investment_transaction(
    entry: &Element,
    currency: &str,
    securities: &HashMap<String, String>,
) -> Result<ParsedTransaction, String> {
    let invtran = entry.descendant("INVTRAN").ok_or_else(|| format!("{} has no INVTRAN", entry.name))?;
    let date = match invtran.leaf("DTTRADE") {
        None => return Err(format!("{}{} has no DTTRADE", entry.name, fitid_note(invtran))),
        Some(text) => ofx_date(text).ok_or_else(|| format!("DTTRADE `{text}` is not a date"))?,
    };
    let number = |name: &str, currency: &str| -> Result<Option<Decimal>, String> {
        let holder = entry.descendant("INVBUY").or_else(|| entry.descendant("INVSELL")).unwrap_or(entry);
        match holder.leaf(name).or_else(|| entry.leaf(name)) {
            Some(text) => ofx_amount(text, currency).map(Some).map_err(|problem| format!("{name} {problem}")),
            None => Ok(None),
        }
    };
    let holder = entry.descendant("INVBUY").or_else(|| entry.descendant("INVSELL")).unwrap_or(entry);
    let (total, converted) = match number("TOTAL", currency)? {
        // Income reinvested at once: the cash came in and went out again; the account's cash
        // does not move (the TOTAL stays in the memo).
        Some(total) if entry.name == "REINVEST" => {
            let (total, _) = in_statement_currency(total, holder, currency)?;
            (Decimal::ZERO, Some(format!("reinvested {total} {currency}")))
        }
        Some(total) => in_statement_currency(total, holder, currency)?,
        None if WITHOUT_CASH.contains(&entry.name.as_str()) => (Decimal::ZERO, None),
        None => return Err(format!("{}{} has no TOTAL", entry.name, fitid_note(invtran))),
    };
    let units = number("UNITS", "")?;
    let fees = match (number("COMMISSION", currency)?, number("FEES", currency)?) {
        (None, None) => None,
        (commission, fees) => Some(commission.unwrap_or_default() + fees.unwrap_or_default()),
    };
    let security_id = entry.descendant("SECID").and_then(|secid| secid.leaf("UNIQUEID")).unwrap_or_default().to_owned();
    let security_name = securities.get(&security_id).cloned().unwrap_or_default();
    let action = match entry.name.as_str() {
        name if name.starts_with("BUY") => "Buy".to_owned(),
        name if name.starts_with("SELL") => "Sell".to_owned(),
        "INCOME" => format!("Income {}", entry.leaf("INCOMETYPE").unwrap_or_default()).trim().to_owned(),
        "REINVEST" => "Reinvest".to_owned(),
        "TRANSFER" => "Transfer".to_owned(),
        other => other.to_owned(),
    };
    let mut transaction = new_transaction(entry.line, date, total, currency);
    let shown_security = if security_name.is_empty() { security_id.clone() } else { security_name.clone() };
    transaction.description = format!("{action} {shown_security}").trim().to_owned();
    transaction.memo = invtran.leaf("MEMO").unwrap_or_default().to_owned();
    if let Some(note) = converted {
        transaction.memo = if transaction.memo.is_empty() { note } else { format!("{} ({note})", transaction.memo) };
    }
    transaction.external_id = invtran.leaf("FITID").map(str::to_owned);
    if let Some(quantity) = units {
        transaction.trade = Some(ParsedTrade {
            security_id,
            security_name,
            quantity,
            unit_price: number("UNITPRICE", "")?,
            fees,
            settlement_date: invtran.leaf("DTSETTLE").and_then(ofx_date),
        });
    }
    Ok(transaction)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_with_comma_decimals_and_parentheses() {
        let amount = |text: &str, currency: &str| ofx_amount(text, currency).unwrap();
        assert_eq!(amount("-6,60", "EUR"), Decimal::new(-660, 2));
        assert_eq!(amount("1.234,56", "EUR"), Decimal::new(123_456, 2));
        assert_eq!(amount("1,234.56", "USD"), Decimal::new(123_456, 2));
        assert_eq!(amount("(12.50)", "USD"), Decimal::new(-1250, 2));
        assert_eq!(amount("$120", "USD"), Decimal::from(120));
        assert_eq!(amount("+12", "USD"), Decimal::from(12));
        assert_eq!(amount("-1,234", "JPY"), Decimal::from(-1234));
        assert!(ofx_amount("12a", "USD").is_err());
    }

    #[test]
    fn amounts_as_public_files_write_them() {
        let amount = |text: &str, currency: &str| ofx_amount(text, currency).unwrap();
        assert_eq!(amount("+1 006,60", "USD"), Decimal::new(100_660, 2));
        assert_eq!(amount("-2000,00", "USD"), Decimal::new(-200_000, 2));
        assert_eq!(amount("-1,055", "USD"), Decimal::from(-1055), "three digits after a lone comma: thousands");
        assert_eq!(amount("-1,055.00", "USD"), Decimal::new(-105_500, 2));
        assert_eq!(amount("1'055.00", "CHF"), Decimal::new(105_500, 2));
        assert_eq!(amount("-1.055.000", "USD"), Decimal::from(-1_055_000));
        assert_eq!(amount("+00000000000115.8331", "USD"), Decimal::new(1_158_331, 4));
        assert_eq!(amount("-.50", "USD"), Decimal::new(-50, 2));
        assert_eq!(amount(".5", "USD"), Decimal::new(5, 1));
        assert_eq!(amount("55.00-", "USD"), Decimal::new(-5500, 2));
        assert_eq!(amount("\u{2212}5", "USD"), Decimal::from(-5));
        assert_eq!(amount("0,125", ""), Decimal::new(125, 3), "a price: the comma is a decimal comma");
        assert!(ofx_amount("--5", "USD").is_err());
        assert!(ofx_amount(".", "USD").is_err());
        assert!(ofx_amount("", "USD").is_err());
    }

    #[test]
    fn dates_keep_the_written_day() {
        let date = |text| ofx_date(text);
        assert_eq!(date("20241128"), make_date(2024, 11, 28));
        assert_eq!(date("20241128235959.000[+9:JST]"), make_date(2024, 11, 28));
        assert_eq!(date("20090401122017.000[-5:EST]"), make_date(2009, 4, 1));
        assert_eq!(date("20090401[-3.5:NST]"), make_date(2009, 4, 1));
        assert_eq!(date("00000000"), None);
        assert_eq!(date("2024"), None);
        assert_eq!(date("20241328"), None);
    }

    #[test]
    fn entities_decode_and_unknown_ones_stay() {
        assert_eq!(decode_entities("A&amp;B &lt;x&gt; &#65;&#x42; &bogus; &"), "A&B <x> AB &bogus; &");
    }

    #[test]
    fn unclosed_leaves_and_aggregates_make_a_tree() {
        let text = "<OFX><BANKTRANLIST><STMTTRN><TRNAMT>1<NAME>a<STMTTRN><TRNAMT>2<NAME></BANKTRANLIST></OFX>";
        let lines = LineIndex::new(text);
        let root = build_sgml(text, 0, &lines).root;
        let mut rows = Vec::new();
        root.all("STMTTRN", &mut rows);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows.first().and_then(|row| row.leaf("NAME")), Some("a"));
        assert_eq!(rows.get(1).and_then(|row| row.leaf("TRNAMT")), Some("2"));
    }
}

#[cfg(test)]
#[path = "ofx_public_tests.rs"]
mod public_fixtures;
