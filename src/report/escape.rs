//! Escaping scanned text for the formats that render it. Scanned data (paths, author
//! names, commit summaries) is hostile: escaping happens here, at the output edge, and
//! the data itself is never changed.

/// `text` as plain inline Markdown: whatever it holds renders as the same visible text.
///
/// - Control, bidi and zero-width characters become U+FFFD (so a line break cannot end
///   the list item, and reordering characters cannot hide text).
/// - `<`, `>` and `&` become entities, so no HTML tag or entity is formed (no `<img>`,
///   no `<a>`, no `<details>`).
/// - `\`, `` ` ``, `*`, `_`, `~`, `[`, `]` and `|` are backslash-escaped, so no code span,
///   emphasis, strike-through, table cell, link or image (`[x](http://evil)`,
///   `![x](http://evil/pixel)`) can start: both need an unescaped `[`.
///
/// The result is meant for the middle of a line (after `- ` or `by `); it is not safe as
/// the start of a line, where `#`, `>` or `1.` would still begin a block. A bare URL in
/// the text stays visible text (GitHub may make it clickable, but it shows its own
/// target, so nothing is hidden).
pub fn markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '~' | '[' | ']' | '|' => {
                out.push('\\');
                out.push(c);
            }
            c if invisible(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Characters that must not reach a rendered document as themselves: controls (tab
/// included, which Markdown can read as indentation), bidi overrides and isolates,
/// zero-width and other format characters, and the byte-order mark.
fn invisible(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{00AD}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}'
            | '\u{E0000}'..='\u{E007F}')
}

#[cfg(test)]
mod tests {
    use super::markdown;

    #[test]
    fn links_images_and_html_are_plain_text() {
        assert_eq!(markdown("[x](http://evil)"), "\\[x\\](http://evil)");
        assert_eq!(markdown("![p](http://e/p.png)"), "!\\[p\\](http://e/p.png)");
        assert_eq!(markdown("<img src=x>"), "&lt;img src=x&gt;");
        assert_eq!(markdown("a & b"), "a &amp; b");
        assert_eq!(markdown("`*_~|\\"), "\\`\\*\\_\\~\\|\\\\");
    }

    #[test]
    fn line_breaks_and_invisible_characters_are_replaced() {
        assert_eq!(
            markdown("a\nb\u{202E}c\u{200B}"),
            "a\u{FFFD}b\u{FFFD}c\u{FFFD}"
        );
        assert_eq!(markdown("RSA key (PKCS#1) é"), "RSA key (PKCS#1) é");
    }
}
