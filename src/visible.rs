//! Text from institutions and files, made safe to show where no renderer protects it (a terminal,
//! a plain-text journal): characters that are invisible or that reorder what follows them
//! (zero-width, bidirectional overrides and isolates, controls) are written as `\u{…}`, so they
//! are seen rather than obeyed. The desktop window needs none of this: it renders text nodes.

/// `text` with its hidden characters spelled out; `one_line` spells out line breaks too.
pub fn escape_hidden(text: &str, one_line: bool) -> String {
    let hidden = |c: char| {
        (c.is_control() && (one_line || c != '\n'))
            || matches!(c, '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}')
    };
    if !text.chars().any(hidden) {
        return text.to_string();
    }
    text.chars().map(|c| if hidden(c) { format!("\\u{{{:x}}}", c as u32) } else { c.to_string() }).collect()
}

#[cfg(test)]
mod tests {
    use super::escape_hidden;

    #[test]
    fn overrides_and_zero_width_characters_are_spelled_out_and_plain_text_is_kept() {
        assert_eq!(escape_hidden("\u{202e}exe.txt\u{202c}", true), "\\u{202e}exe.txt\\u{202c}");
        assert_eq!(escape_hidden("a\u{200b}b\u{0}c", true), "a\\u{200b}b\\u{0}c");
        assert_eq!(escape_hidden("two\nlines", false), "two\nlines");
        assert_eq!(escape_hidden("two\nlines", true), "two\\u{a}lines");
        assert_eq!(escape_hidden("ローソン <script>", true), "ローソン <script>");
    }
}
