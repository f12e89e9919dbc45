//! Printing for the command line: text from AWS with its control characters escaped, and lines to
//! stdout and stderr that never panic when the reader has gone (`gatehouse protect ... | head`).
//!
//! Every byte the command line prints goes through [`terminal_safe`] on its way out, so that no
//! name, tag, error message or URL from AWS reaches a terminal as an escape sequence, whichever
//! line prints it; [`clean`] also escapes line breaks, for a value printed inside a line.

/// Text from AWS made safe for a terminal: control characters (C0, DEL, C1) and the bidirectional
/// overrides that reorder what is shown are escaped (ESC becomes `\u{1b}`), so a name cannot move
/// the cursor, recolour the screen or disguise itself.
pub fn clean(s: &str) -> String {
    escaped(s, |_, _| false).into_owned()
}

/// Text on its way to stdout or stderr, escaped as [`clean`] escapes it but for the line breaks
/// and tabs the text is laid out with (a CR only before its LF, as CSV ends its records).
pub fn terminal_safe(s: &str) -> std::borrow::Cow<'_, str> {
    escaped(s, |c, next| {
        c == '\n' || c == '\t' || (c == '\r' && next == Some('\n'))
    })
}

fn needs_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `s` with every character that needs escaping escaped, but those `keep` (given the next
/// character) lets through; borrowed when nothing needed it.
fn escaped(s: &str, keep: impl Fn(char, Option<char>) -> bool) -> std::borrow::Cow<'_, str> {
    let mut out: Option<String> = None;
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let escape = needs_escape(c) && !keep(c, chars.peek().map(|&(_, n)| n));
        match (&mut out, escape) {
            (None, false) => {}
            (None, true) => {
                let mut o = String::with_capacity(s.len() + 16);
                o.push_str(&s[..i]);
                o.extend(c.escape_unicode());
                out = Some(o);
            }
            (Some(o), true) => o.extend(c.escape_unicode()),
            (Some(o), false) => o.push(c),
        }
    }
    out.map_or(std::borrow::Cow::Borrowed(s), std::borrow::Cow::Owned)
}

/// Writes one line to stdout; a closed stdout (the reader quit) is ignored instead of panicking,
/// so the command carries on with what it was doing and exits with its own status.
pub fn write_line(args: std::fmt::Arguments) {
    use std::io::Write;
    let text = args.to_string();
    let _ = writeln!(std::io::stdout().lock(), "{}", terminal_safe(&text));
}

/// Writes text (it ends its own lines); a closed stdout is ignored.
pub fn write_text(text: &str) {
    use std::io::Write;
    let _ = std::io::stdout()
        .lock()
        .write_all(terminal_safe(text).as_bytes());
}

/// Writes one line to stderr; a closed stderr is ignored instead of panicking.
pub fn write_err_line(args: std::fmt::Arguments) {
    use std::io::Write;
    let text = args.to_string();
    let _ = writeln!(std::io::stderr().lock(), "{}", terminal_safe(&text));
}

/// `println!` for the command line's output, through [`write_line`].
macro_rules! outln {
    () => {
        $crate::cli::out::write_line(format_args!(""))
    };
    ($($arg:tt)*) => {
        $crate::cli::out::write_line(format_args!($($arg)*))
    };
}

/// `eprintln!` for warnings and errors, through [`write_err_line`].
macro_rules! eoutln {
    ($($arg:tt)*) => {
        $crate::cli::out::write_err_line(format_args!($($arg)*))
    };
}

#[cfg(test)]
mod tests {
    use super::{clean, terminal_safe};

    #[test]
    fn terminal_safe_keeps_the_layout_and_escapes_the_rest() {
        assert_eq!(terminal_safe("a\tb\nc\r\n"), "a\tb\nc\r\n");
        assert_eq!(
            terminal_safe("Pets\x1b]0;pwned\x07 \x1b[31mshop\n"),
            "Pets\\u{1b}]0;pwned\\u{7} \\u{1b}[31mshop\n"
        );
        assert_eq!(terminal_safe("over\rwrite"), "over\\u{d}write");
        assert_eq!(terminal_safe("\u{9b}2J\u{202e}"), "\\u{9b}2J\\u{202e}");
        assert!(matches!(
            terminal_safe("plain"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn clean_escapes_control_characters_and_keeps_the_rest() {
        assert_eq!(clean("SecurePets"), "SecurePets");
        assert_eq!(clean("Pets · Café ✓"), "Pets · Café ✓");
        assert_eq!(clean("a\x1b[31mred"), "a\\u{1b}[31mred");
        assert_eq!(clean("x\x1b]0;title\x07"), "x\\u{1b}]0;title\\u{7}");
        assert_eq!(clean("line\nnext\r\t"), "line\\u{a}next\\u{d}\\u{9}");
        assert_eq!(clean("del\x7f"), "del\\u{7f}");
        assert_eq!(clean("c1\u{9b}2J"), "c1\\u{9b}2J");
        assert_eq!(clean("\u{202e}gpj.exe"), "\\u{202e}gpj.exe");
        assert!(!clean("\x00\x1b\u{85}").chars().any(char::is_control));
    }
}
