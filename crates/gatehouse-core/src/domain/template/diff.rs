//! Pure: the unified diff a patch is shown as (three lines of context, `a/` and `b/` names).

/// The unified diff from `old` to `new`, named `a/NAME` and `b/NAME`; empty when they are equal.
pub fn unified(name: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_diff_names_both_sides_and_shows_only_the_change_with_context() {
        let old = "a\nb\nc\nd\ne\nf\ng\nh\n";
        let new = "a\nb\nc\nd\nE\nf\ng\nh\n";
        let d = unified("t.yaml", old, new);
        assert!(
            d.starts_with("--- a/t.yaml\n+++ b/t.yaml\n@@ -2,7 +2,7 @@\n"),
            "{d}"
        );
        assert!(d.contains("-e\n+E\n"), "{d}");
        assert_eq!(unified("t.yaml", old, old), "");
    }
}
