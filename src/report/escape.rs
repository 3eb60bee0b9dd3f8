//! Escaping scanned text for the places that render it, one function per output kind.
//!
//! Scanned data (file names, snippets, author names, commit summaries, names from user
//! rule files) is hostile, and findings keep it exactly as it was read: escaping happens
//! here, at the output edge, where the medium is known. JSON and SARIF need none beyond
//! their own string escaping (serde does it), so they write the data as it is.

use std::borrow::Cow;
use std::fmt::Write as _;

/// `text` made safe to print on a terminal, with every character that could steer it or
/// hide from the reader shown as a visible escape instead.
///
/// Escaped: C0 and C1 control characters and DEL (so no ANSI/OSC escape sequence, no
/// line break that forges a line of its own, no carriage return that overwrites one),
/// bidi controls (U+061C, U+200E/F, U+202A–U+202E, U+2066–U+2069, which reorder what is
/// shown), zero-width and other invisible format characters (U+00AD, U+180E,
/// U+200B–U+200D, U+2060–U+206F, U+FEFF, U+FFF9–U+FFFB, the tag characters
/// U+E0000–U+E007F), line and paragraph separators (U+2028/U+2029) and the Hangul
/// fillers that render as blanks. They are written as Rust writes them in strings:
/// `\n`, `\r`, `\t`, `\x1b` up to U+007F, `\u{202e}` above, so the reader sees both that
/// something is there and what it is. Everything else, including other non-ASCII text,
/// is kept; text with nothing to escape is returned borrowed.
///
/// Escaping is applied whatever the sink is (a pipe or a file is often shown on a
/// terminal later, in a CI log for one). A backslash is not escaped: paths on Windows
/// are full of them, and a name that merely spells `\x1b` steers nothing.
pub fn terminal(text: &str) -> Cow<'_, str> {
    let Some(first) = text.find(invisible) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len() + 8);
    out.push_str(&text[..first]);
    for c in text[first..].chars() {
        if !invisible(c) {
            out.push(c);
            continue;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x80 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
        }
    }
    Cow::Owned(out)
}

/// Characters that must not reach a reader as themselves: controls, bidi controls,
/// zero-width and other invisible format characters (see [`terminal`]).
pub fn invisible(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{061C}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{3164}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{FFF9}'..='\u{FFFB}'
                | '\u{E0000}'..='\u{E007F}'
        )
}

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

/// `text` as a Markdown code span that shows it literally, backticks included (a code
/// span renders no link, image or HTML); invisible characters (see [`invisible`]) become
/// U+FFFD, so a line break cannot end the span's line.
pub fn markdown_code(text: &str) -> String {
    let text = replace_invisible(text);
    let fence = "`".repeat(longest_run(&text, '`') + 1);
    if text.starts_with('`') || text.ends_with('`') {
        format!("{fence} {text} {fence}")
    } else {
        format!("{fence}{text}{fence}")
    }
}

/// `text` quoted for a POSIX shell when it needs it (`shlex`), invisible characters shown
/// as U+FFFD first, so a pasted command does what it shows.
pub fn shell(text: &str) -> String {
    let text = replace_invisible(text);
    match shlex::try_quote(&text) {
        Ok(quoted) => quoted.into_owned(),
        // Only a NUL byte makes quoting fail, and it has been replaced.
        Err(_) => format!("'{}'", text.replace('\'', "'\\''")),
    }
}

/// `text` with every invisible character (see [`invisible`]) replaced by U+FFFD: for
/// text keyhound wrote itself (Markdown it formats, commands) that may hold scanned text.
pub fn replace_invisible(text: &str) -> String {
    text.chars()
        .map(|c| if invisible(c) { '\u{FFFD}' } else { c })
        .collect()
}

/// The length of the longest run of `c` in `text`, in bytes.
pub fn longest_run(text: &str, c: char) -> usize {
    text.split(|x| x != c).map(str::len).max().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(
            terminal("src/main.rs — ünïcode"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn escape_sequences_become_visible() {
        assert_eq!(
            terminal("a\u{1b}]0;pwned\u{7}\u{1b}[31mb"),
            "a\\x1b]0;pwned\\x07\\x1b[31mb"
        );
        assert_eq!(terminal("line\nforged\r\t"), "line\\nforged\\r\\t");
        assert_eq!(terminal("\u{7f}\u{85}\u{9b}"), "\\x7f\\u{85}\\u{9b}");
    }

    #[test]
    fn bidi_and_invisible_characters_become_visible() {
        for (c, shown) in [
            ('\u{202E}', "\\u{202e}"),
            ('\u{2066}', "\\u{2066}"),
            ('\u{200B}', "\\u{200b}"),
            ('\u{00AD}', "\\u{ad}"),
            ('\u{180E}', "\\u{180e}"),
            ('\u{2060}', "\\u{2060}"),
            ('\u{FEFF}', "\\u{feff}"),
            ('\u{FFF9}', "\\u{fff9}"),
            ('\u{E0041}', "\\u{e0041}"),
            ('\u{2028}', "\\u{2028}"),
            ('\u{061C}', "\\u{61c}"),
        ] {
            assert_eq!(terminal(&format!("x{c}y")), format!("x{shown}y"));
        }
    }

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

    #[test]
    fn code_spans_hold_backticks() {
        assert_eq!(markdown_code("a`b"), "``a`b``");
        assert_eq!(markdown_code("`x"), "`` `x ``");
        assert_eq!(markdown_code("a\nb"), "`a\u{FFFD}b`");
    }

    #[test]
    fn shell_quotes_only_when_needed() {
        assert_eq!(shell("config/app.env"), "config/app.env");
        assert_eq!(shell("a b"), "'a b'");
        assert_eq!(shell("a\u{202e}b"), "'a\u{FFFD}b'");
    }
}
