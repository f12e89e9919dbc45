//! Pure: a YAML or JSON template read as a tree of nodes that know where they are in the text,
//! and edits made on the text at those places. Everything a patch does not touch (comments, key
//! order, quoting, tags, blank lines) stays byte for byte; what it inserts follows the file's own
//! indentation. JSON is read by the same parser (it is YAML's flow style) and written as JSON.

use crate::error::{Error, Result};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// One node of the document: its value, its tag's suffix (`Ref` for `!Ref`), and where it is.
#[derive(Debug, Clone)]
pub struct Node {
    pub kind: Kind,
    pub tag: Option<String>,
    /// Where the node's text starts, its tag included.
    pub tag_start: usize,
    /// Where the value starts (after the tag).
    pub start: usize,
    /// One past the value's last byte.
    pub end: usize,
    /// `{…}` / `[…]` rather than lines.
    pub flow: bool,
}

#[derive(Debug, Clone)]
pub enum Kind {
    Scalar(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl Node {
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }

    pub fn entry(&self, key: &str) -> Option<&(Node, Node)> {
        match &self.kind {
            Kind::Map(entries) => entries.iter().find(|(k, _)| k.str() == Some(key)),
            _ => None,
        }
    }

    pub fn entries(&self) -> &[(Node, Node)] {
        match &self.kind {
            Kind::Map(entries) => entries,
            _ => &[],
        }
    }

    pub fn items(&self) -> &[Node] {
        match &self.kind {
            Kind::Seq(items) => items,
            _ => &[],
        }
    }

    /// The text of a plain (untagged) scalar.
    pub fn str(&self) -> Option<&str> {
        match (&self.kind, &self.tag) {
            (Kind::Scalar(s), None) => Some(s),
            _ => None,
        }
    }

    /// A scalar's text or each scalar of a list: `Transform: X` and `Transform: [X, Y]`.
    pub fn strs(&self) -> Vec<&str> {
        match &self.kind {
            Kind::Seq(items) => items.iter().filter_map(|i| i.str()).collect(),
            _ => self.str().into_iter().collect(),
        }
    }

    /// The logical id a `!Ref X` / `Ref: X` / `{"Ref": "X"}` names.
    pub fn ref_target(&self) -> Option<&str> {
        match (&self.kind, self.tag.as_deref()) {
            (Kind::Scalar(s), Some("Ref")) => Some(s),
            (Kind::Map(e), None) if e.len() == 1 && e[0].0.str() == Some("Ref") => e[0].1.str(),
            _ => None,
        }
    }

    /// The logical id and attribute a `!GetAtt X.Y` / `!GetAtt [X, Y]` / `Fn::GetAtt` names.
    pub fn getatt_target(&self) -> Option<(&str, &str)> {
        fn of_list(n: &Node) -> Option<(&str, &str)> {
            match n.items() {
                [a, b] => Some((a.str()?, b.str()?)),
                _ => None,
            }
        }
        match (&self.kind, self.tag.as_deref()) {
            (Kind::Scalar(s), Some("GetAtt")) => s.split_once('.'),
            (Kind::Seq(_), Some("GetAtt")) => of_list(self),
            (Kind::Map(e), None) if e.len() == 1 && e[0].0.str() == Some("Fn::GetAtt") => {
                let v = &e[0].1;
                match &v.kind {
                    Kind::Scalar(s) if v.tag.is_none() => s.split_once('.'),
                    _ => of_list(v),
                }
            }
            _ => None,
        }
    }

    /// Every node under this one, this one first.
    pub fn walk<'n>(&'n self, out: &mut Vec<&'n Node>) {
        out.push(self);
        match &self.kind {
            Kind::Scalar(_) => {}
            Kind::Seq(items) => items.iter().for_each(|i| i.walk(out)),
            Kind::Map(entries) => entries.iter().for_each(|(k, v)| {
                k.walk(out);
                v.walk(out);
            }),
        }
    }
}

/// A value to write into a template, rendered as the file is written (YAML or JSON).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum V {
    Str(String),
    Num(i64),
    Bool(bool),
    Ref(String),
    GetAtt(String, String),
    List(Vec<V>),
    Map(Vec<(String, V)>),
}

impl V {
    pub fn str(s: &str) -> V {
        V::Str(s.to_string())
    }

    pub fn strs(items: &[String]) -> V {
        V::List(items.iter().map(|s| V::Str(s.clone())).collect())
    }

    pub fn map(entries: Vec<(&str, V)>) -> V {
        V::Map(
            entries
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        )
    }
}

/// The parsed template and the edits waiting to be made on its text.
pub struct Doc<'a> {
    pub text: &'a str,
    pub root: Node,
    pub json: bool,
    /// Spaces per level, read from the file (2 when it cannot tell).
    unit: usize,
    /// `!Ref` rather than `Ref:` when the file writes tags that way (or writes none).
    short_tags: bool,
    edits: Vec<(usize, usize, String)>,
}

struct Events(Vec<(Event, Marker)>);

impl MarkedEventReceiver for Events {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        self.0.push((ev, mark));
    }
}

impl<'a> Doc<'a> {
    pub fn parse(text: &'a str) -> Result<Doc<'a>> {
        let mut events = Events(Vec::new());
        Parser::new_from_str(text)
            .load(&mut events, false)
            .map_err(|e| {
                Error::invalid(
                    "template",
                    format!("The template is not valid YAML or JSON: {e}"),
                )
            })?;
        let lines = LineIndex::new(text);
        let mut b = Builder {
            text,
            lines: &lines,
            events: &events.0,
            at: 0,
        };
        b.skip_to_content();
        let root = b
            .node()?
            .ok_or_else(|| Error::invalid("template", "The template is empty."))?;
        let json = text.trim_start().starts_with('{');
        let unit = indent_unit(text, &root).unwrap_or(2);
        let short_tags =
            text.contains("!Ref") || text.contains("!GetAtt") || !text.contains("Ref:");
        Ok(Doc {
            text,
            root,
            json,
            unit,
            short_tags,
            edits: Vec::new(),
        })
    }

    /// The text with every edit made.
    pub fn finish(mut self) -> Result<String> {
        self.edits.sort_by_key(|e| (e.0, e.1));
        for pair in self.edits.windows(2) {
            if pair[0].1 > pair[1].0 {
                return Err(Error::Internal("two template edits overlap".into()));
            }
        }
        let mut out = self.text.to_string();
        for (start, end, with) in self.edits.iter().rev() {
            out.replace_range(*start..*end, with);
        }
        Ok(out)
    }

    /// Replaces a node (its tag included) with a value written on one line.
    pub fn replace(&mut self, node: &Node, value: &V) {
        let text = self.inline(value);
        self.edits.push((node.tag_start, node.end, text));
    }

    /// Replaces a scalar's text only (its tag kept): renames a logical id where it is used.
    pub fn replace_text(&mut self, node: &Node, with: &str) {
        let text = if self.json || !plain_ok(with, false) {
            serde_json::to_string(with).unwrap_or_default()
        } else {
            with.to_string()
        };
        self.edits.push((node.start, node.end, text));
    }

    /// Sets `key` in a mapping: replaces its value when the key is there, else adds the entry
    /// after `after` (or at the end when that key is absent).
    pub fn set(&mut self, map: &Node, key: &str, value: &V, after: Option<&str>) {
        match map.entry(key) {
            Some((_, old)) => self.replace(&old.clone(), value),
            None => self.insert(map, key, value, after),
        }
    }

    /// Adds `key: value` to a mapping, after the entry `after` when it exists, else at its end.
    pub fn insert(&mut self, map: &Node, key: &str, value: &V, after: Option<&str>) {
        let entries = map.entries();
        let Some(last) = entries.last() else {
            // An empty mapping (`{}`): written whole.
            let whole = V::Map(vec![(key.to_string(), value.clone())]);
            self.replace(map, &whole);
            return;
        };
        let anchor = after
            .and_then(|a| entries.iter().find(|(k, _)| k.str() == Some(a)))
            .unwrap_or(last);
        let first_key = &entries[0].0;
        let col = self.col_of(first_key.tag_start);
        if map.flow {
            let multiline = self.line_of(first_key.tag_start) != self.line_of(map.start);
            let value_text = self.render(value, col);
            let key_text = self.key_text(key);
            let text = if multiline {
                format!(",\n{}{key_text}: {value_text}", " ".repeat(col))
            } else {
                format!(", {key_text}: {}", self.inline(value))
            };
            self.edits.push((anchor.1.end, anchor.1.end, text));
        } else {
            let at = self.line_end(anchor.1.end);
            let text = format!("\n{}", self.block_entry(key, value, col));
            self.edits.push((at, at, text));
        }
    }

    /// Adds a resource (or any entry whose value is a mapping) after `after`'s entry in `map`,
    /// set apart by a blank line when the file sets its entries apart so.
    pub fn insert_block(&mut self, map: &Node, key: &str, value: &V, after: &str) {
        if map.flow {
            self.insert(map, key, value, Some(after));
            return;
        }
        let entries = map.entries();
        let Some(anchor) = entries
            .iter()
            .find(|(k, _)| k.str() == Some(after))
            .or(entries.last())
        else {
            return;
        };
        let col = self.col_of(entries[0].0.tag_start);
        let spaced = entries.len() > 1 && {
            let between: Vec<&str> = self.text[entries[0].1.end..entries[1].0.tag_start]
                .split('\n')
                .collect();
            between.len() > 2
                && between[1..between.len() - 1]
                    .iter()
                    .any(|l| l.trim().is_empty())
        };
        let at = self.line_end(anchor.1.end);
        let gap = if spaced { "\n" } else { "" };
        let text = format!("\n{gap}{}", self.block_entry(key, value, col));
        self.edits.push((at, at, text));
    }

    /// `key: value` as lines at `col`, for a block mapping.
    fn block_entry(&self, key: &str, value: &V, col: usize) -> String {
        let pad = " ".repeat(col);
        let key = self.key_text(key);
        match value {
            V::Map(entries) if !entries.is_empty() => {
                let inner: Vec<String> = entries
                    .iter()
                    .map(|(k, v)| self.block_entry(k, v, col + self.unit))
                    .collect();
                format!("{pad}{key}:\n{}", inner.join("\n"))
            }
            V::List(items) if !items.is_empty() => {
                let inner: Vec<String> = items
                    .iter()
                    .map(|i| match i {
                        V::Map(entries) if !entries.is_empty() => {
                            let child: Vec<String> = entries
                                .iter()
                                .map(|(k, v)| self.block_entry(k, v, col + self.unit + 2))
                                .collect();
                            let joined = child.join("\n");
                            let trimmed = joined.trim_start();
                            format!("{}- {trimmed}", " ".repeat(col + self.unit))
                        }
                        other => format!("{}- {}", " ".repeat(col + self.unit), self.scalar(other)),
                    })
                    .collect();
                format!("{pad}{key}:\n{}", inner.join("\n"))
            }
            other => format!("{pad}{key}: {}", self.scalar(other)),
        }
    }

    /// A value in block context: a plain string may hold `:` there (`AWS::ApiGateway::Method`).
    fn scalar(&self, v: &V) -> String {
        match v {
            V::Str(s) if !self.json && plain_ok(s, false) => s.clone(),
            other => self.inline(other),
        }
    }

    fn key_text(&self, key: &str) -> String {
        if self.json || !plain_ok(key, true) {
            serde_json::to_string(key).unwrap_or_default()
        } else {
            key.to_string()
        }
    }

    /// A value on one line: `!Ref X`, `[a, b]`, `{"Ref": "X"}`.
    pub fn inline(&self, v: &V) -> String {
        match v {
            V::Str(s) => self.key_text(s),
            V::Num(n) => n.to_string(),
            V::Bool(b) => b.to_string(),
            V::Ref(id) if self.json => format!("{{\"Ref\": {}}}", json_str(id)),
            V::Ref(id) if self.short_tags => format!("!Ref {id}"),
            V::Ref(id) => format!("{{Ref: {id}}}"),
            V::GetAtt(id, at) if self.json => {
                format!("{{\"Fn::GetAtt\": [{}, {}]}}", json_str(id), json_str(at))
            }
            V::GetAtt(id, at) if self.short_tags => format!("!GetAtt {id}.{at}"),
            V::GetAtt(id, at) => format!("{{\"Fn::GetAtt\": [{id}, {at}]}}"),
            V::List(items) => {
                let inner: Vec<String> = items.iter().map(|i| self.inline(i)).collect();
                format!("[{}]", inner.join(", "))
            }
            V::Map(entries) => {
                let inner: Vec<String> = entries
                    .iter()
                    .map(|(k, v)| format!("{}: {}", self.key_text(k), self.inline(v)))
                    .collect();
                format!("{{{}}}", inner.join(", "))
            }
        }
    }

    /// A value for a flow (JSON) mapping whose keys sit at `col`: nested mappings and lists of
    /// them on their own lines, one level deeper.
    fn render(&self, v: &V, col: usize) -> String {
        if !self.json {
            return self.inline(v);
        }
        let pad = " ".repeat(col + self.unit);
        let close = " ".repeat(col);
        match v {
            V::Map(entries) if !entries.is_empty() => {
                let inner: Vec<String> = entries
                    .iter()
                    .map(|(k, v)| {
                        format!("{pad}{}: {}", json_str(k), self.render(v, col + self.unit))
                    })
                    .collect();
                format!("{{\n{}\n{close}}}", inner.join(",\n"))
            }
            V::List(items) if items.iter().any(|i| matches!(i, V::Map(_))) => {
                let inner: Vec<String> = items
                    .iter()
                    .map(|i| format!("{pad}{}", self.render(i, col + self.unit)))
                    .collect();
                format!("[\n{}\n{close}]", inner.join(",\n"))
            }
            other => self.inline(other),
        }
    }

    fn line_of(&self, at: usize) -> usize {
        self.text[..at].matches('\n').count()
    }

    /// The column (in characters) of a byte offset.
    pub fn col_of(&self, at: usize) -> usize {
        let line_start = self.text[..at].rfind('\n').map_or(0, |i| i + 1);
        self.text[line_start..at].chars().count()
    }

    /// The end of the line `at` is on (before its newline).
    fn line_end(&self, at: usize) -> usize {
        self.text[at..]
            .find('\n')
            .map_or(self.text.len(), |i| at + i)
    }
}

/// A JSON string literal.
fn json_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// Whether a string can be written as a plain YAML scalar and read back as the same string; in
/// flow context (`[a, b]`) without a `:` at all, which older YAML readers refuse there.
fn plain_ok(s: &str, flow: bool) -> bool {
    let reserved = [
        "true", "false", "yes", "no", "on", "off", "null", "y", "n", "~",
    ];
    !s.is_empty()
        && s.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | '/' | ':'))
        && (!flow || !s.contains(':'))
        && !s.ends_with(':')
        && !reserved.contains(&s.to_ascii_lowercase().as_str())
}

/// The spaces between a mapping's keys and its children's, read from the first nested block.
fn indent_unit(text: &str, root: &Node) -> Option<usize> {
    let col = |at: usize| {
        let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        text[start..at].chars().count()
    };
    let (k, v) = root
        .entries()
        .iter()
        .find(|(_, v)| matches!(v.kind, Kind::Map(_)))?;
    let (inner, _) = v.entries().first()?;
    let line = |at: usize| text[..at].matches('\n').count();
    if line(inner.tag_start) == line(k.tag_start) {
        return None;
    }
    col(inner.tag_start)
        .checked_sub(col(k.tag_start))
        .filter(|u| *u > 0)
}

/// Byte offsets of line starts, to turn the parser's (line, column in characters) into bytes.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    fn byte(&self, text: &str, mark: &Marker) -> usize {
        let line = mark.line().saturating_sub(1).min(self.starts.len() - 1);
        let start = self.starts[line];
        let rest = &text[start..];
        rest.char_indices()
            .nth(mark.col())
            .map_or(text.len(), |(i, _)| start + i)
    }
}

struct Builder<'b> {
    text: &'b str,
    lines: &'b LineIndex,
    events: &'b [(Event, Marker)],
    at: usize,
}

impl Builder<'_> {
    fn skip_to_content(&mut self) {
        while let Some((ev, _)) = self.events.get(self.at) {
            match ev {
                Event::StreamStart | Event::DocumentStart | Event::Nothing => self.at += 1,
                _ => break,
            }
        }
    }

    fn byte(&self, mark: &Marker) -> usize {
        self.lines.byte(self.text, mark)
    }

    fn node(&mut self) -> Result<Option<Node>> {
        let Some((ev, mark)) = self.events.get(self.at).cloned() else {
            return Ok(None);
        };
        self.at += 1;
        let start = self.byte(&mark);
        match ev {
            Event::Scalar(value, style, _, tag) => {
                let tag = tag.map(|t| t.suffix);
                let end = self.scalar_end(start, &value, style);
                let tag_start = self.tag_start(start, tag.as_deref());
                Ok(Some(Node {
                    kind: Kind::Scalar(value),
                    tag,
                    tag_start,
                    start,
                    end,
                    flow: false,
                }))
            }
            Event::SequenceStart(_, ref tag) | Event::MappingStart(_, ref tag) => {
                let is_map = matches!(ev, Event::MappingStart(..));
                let tag = tag.clone();
                let tag = tag.map(|t| t.suffix);
                let flow = matches!(self.text[start..].chars().next(), Some('{') | Some('['));
                let mut items = Vec::new();
                let mut entries = Vec::new();
                let end_mark = loop {
                    match self.events.get(self.at) {
                        Some((Event::SequenceEnd, m)) | Some((Event::MappingEnd, m)) => {
                            self.at += 1;
                            break *m;
                        }
                        None => return Err(Error::invalid("template", "The template ends early.")),
                        _ => {}
                    }
                    let first = self
                        .node()?
                        .ok_or_else(|| Error::invalid("template", "The template ends early."))?;
                    if is_map {
                        let value = self.node()?.ok_or_else(|| {
                            Error::invalid("template", "The template ends early.")
                        })?;
                        entries.push((first, value));
                    } else {
                        items.push(first);
                    }
                };
                let (first_start, last_end) = if is_map {
                    (
                        entries.first().map(|(k, _)| k.tag_start),
                        entries.last().map(|(_, v)| v.end),
                    )
                } else {
                    (
                        items.first().map(|i| self.dash_before(i.tag_start)),
                        items.last().map(|i| i.end),
                    )
                };
                let (start, end) = if flow {
                    (start, self.byte(&end_mark) + 1)
                } else {
                    (first_start.unwrap_or(start), last_end.unwrap_or(start))
                };
                let tag_start = self.tag_start(start, tag.as_deref());
                let kind = if is_map {
                    Kind::Map(entries)
                } else {
                    Kind::Seq(items)
                };
                Ok(Some(Node {
                    kind,
                    tag,
                    tag_start,
                    start,
                    end,
                    flow,
                }))
            }
            Event::Alias(_) => Err(Error::invalid(
                "template",
                "The template uses a YAML alias (*name); Gatehouse edits templates without them.",
            )),
            _ => self.node(),
        }
    }

    /// Where a block sequence item's `- ` starts.
    fn dash_before(&self, at: usize) -> usize {
        let before = self.text[..at].trim_end();
        if before.ends_with('-') {
            before.len() - 1
        } else {
            at
        }
    }

    /// Where the tag before a value starts (`!Ref ` in `!Ref Api`), else the value's start.
    fn tag_start(&self, start: usize, tag: Option<&str>) -> usize {
        let Some(suffix) = tag else { return start };
        let before = self.text[..start].trim_end();
        let written = format!("!{suffix}");
        if before.ends_with(&written) {
            before.len() - written.len()
        } else if let Some(i) = before.rfind('!') {
            i
        } else {
            start
        }
    }

    fn scalar_end(&self, start: usize, value: &str, style: TScalarStyle) -> usize {
        let rest = &self.text[start..];
        match style {
            TScalarStyle::DoubleQuoted | TScalarStyle::SingleQuoted => {
                let quote = if style == TScalarStyle::DoubleQuoted {
                    '"'
                } else {
                    '\''
                };
                let mut chars = rest.char_indices().skip(1).peekable();
                while let Some((i, c)) = chars.next() {
                    if quote == '"' && c == '\\' {
                        chars.next();
                    } else if c == quote {
                        if quote == '\'' && chars.peek().is_some_and(|(_, n)| *n == '\'') {
                            chars.next();
                        } else {
                            return start + i + 1;
                        }
                    }
                }
                self.text.len()
            }
            TScalarStyle::Plain if rest.starts_with(value) => start + value.len(),
            TScalarStyle::Plain if value.is_empty() => start,
            _ => {
                // A block scalar (| or >) or a plain one over several lines: up to the next
                // event, less the blank and comment lines before it.
                let next = self
                    .events
                    .get(self.at)
                    .map_or(self.text.len(), |(_, m)| self.byte(m))
                    .max(start);
                let mut kept = 0;
                let mut offset = 0;
                for line in self.text[start..next].split_inclusive('\n') {
                    let t = line.trim();
                    offset += line.len();
                    if !t.is_empty() && !t.starts_with('#') {
                        kept = offset - (line.len() - line.trim_end().len());
                    }
                }
                start + kept
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const YAML: &str = "# Pets é\nResources:\n  Api:\n    Type: AWS::ApiGateway::RestApi  # the API\n    Properties:\n      Name: \"SecurePets\"\n\n  GetPets:\n    Type: AWS::ApiGateway::Method\n    Properties:\n      ResourceId: !GetAtt Api.RootResourceId\n      RestApiId: !Ref Api\n      AuthorizationType: NONE # open for now\n      HttpMethod: GET\n";

    #[test]
    fn nodes_know_their_place_in_the_text_with_tags_and_non_ascii_before_them() {
        let doc = Doc::parse(YAML).unwrap();
        let res = doc.root.get("Resources").unwrap();
        let m = res.get("GetPets").unwrap().get("Properties").unwrap();
        let auth = m.get("AuthorizationType").unwrap();
        assert_eq!(&YAML[auth.start..auth.end], "NONE");
        let rid = m.get("ResourceId").unwrap();
        assert_eq!(&YAML[rid.tag_start..rid.end], "!GetAtt Api.RootResourceId");
        assert_eq!(rid.getatt_target(), Some(("Api", "RootResourceId")));
        assert_eq!(m.get("RestApiId").unwrap().ref_target(), Some("Api"));
        let name = res
            .get("Api")
            .unwrap()
            .get("Properties")
            .unwrap()
            .get("Name")
            .unwrap();
        assert_eq!(&YAML[name.start..name.end], "\"SecurePets\"");
    }

    #[test]
    fn set_replaces_a_value_or_adds_the_entry_after_a_key_keeping_comments() {
        let mut doc = Doc::parse(YAML).unwrap();
        let m = doc
            .root
            .get("Resources")
            .unwrap()
            .get("GetPets")
            .unwrap()
            .get("Properties")
            .unwrap()
            .clone();
        doc.set(&m, "AuthorizationType", &V::str("COGNITO_USER_POOLS"), None);
        doc.set(
            &m,
            "AuthorizerId",
            &V::Ref("PoolAuth".into()),
            Some("AuthorizationType"),
        );
        doc.set(
            &m,
            "AuthorizationScopes",
            &V::strs(&["pets/read".into()]),
            Some("AuthorizationType"),
        );
        let out = doc.finish().unwrap();
        assert!(out.contains(
            "      AuthorizationType: COGNITO_USER_POOLS # open for now\n      AuthorizerId: !Ref PoolAuth\n      AuthorizationScopes:\n        - pets/read\n      HttpMethod: GET\n"
        ), "{out}");
        assert!(out.starts_with("# Pets é\n"));
    }

    #[test]
    fn json_gets_json_at_the_siblings_indentation() {
        let text = "{\n  \"Resources\": {\n    \"M\": {\n      \"Properties\": {\n        \"AuthorizationType\": \"NONE\",\n        \"HttpMethod\": \"GET\"\n      }\n    }\n  }\n}\n";
        let mut doc = Doc::parse(text).unwrap();
        assert!(doc.json);
        let p = doc
            .root
            .get("Resources")
            .unwrap()
            .get("M")
            .unwrap()
            .get("Properties")
            .unwrap()
            .clone();
        doc.set(&p, "AuthorizationType", &V::str("COGNITO_USER_POOLS"), None);
        doc.insert(
            &p,
            "AuthorizerId",
            &V::Ref("A".into()),
            Some("AuthorizationType"),
        );
        let res = doc.root.get("Resources").unwrap().clone();
        doc.insert_block(
            &res,
            "A",
            &V::map(vec![
                ("Type", V::str("AWS::ApiGateway::Authorizer")),
                (
                    "Properties",
                    V::map(vec![("ProviderARNs", V::strs(&["arn:x".into()]))]),
                ),
            ]),
            "M",
        );
        let out = doc.finish().unwrap();
        let parsed: serde_json::Value = serde_json::from_str(&out).expect(&out);
        assert_eq!(
            parsed["Resources"]["M"]["Properties"]["AuthorizerId"]["Ref"],
            "A"
        );
        assert_eq!(
            parsed["Resources"]["A"]["Properties"]["ProviderARNs"][0],
            "arn:x"
        );
        assert!(out.contains("        \"AuthorizationType\": \"COGNITO_USER_POOLS\",\n        \"AuthorizerId\": {\"Ref\": \"A\"},\n        \"HttpMethod\""), "{out}");
    }

    #[test]
    fn a_new_block_follows_the_files_spacing() {
        let mut doc = Doc::parse(YAML).unwrap();
        let res = doc.root.get("Resources").unwrap().clone();
        doc.insert_block(
            &res,
            "PoolAuth",
            &V::map(vec![
                ("Type", V::str("AWS::ApiGateway::Authorizer")),
                (
                    "Properties",
                    V::map(vec![(
                        "ProviderARNs",
                        V::strs(&["arn:aws:cognito-idp:eu-west-1:1:userpool/x".into()]),
                    )]),
                ),
            ]),
            "Api",
        );
        let out = doc.finish().unwrap();
        assert!(out.contains("      Name: \"SecurePets\"\n\n  PoolAuth:\n    Type: AWS::ApiGateway::Authorizer\n    Properties:\n      ProviderARNs:\n        - arn:aws:cognito-idp:eu-west-1:1:userpool/x\n\n  GetPets:"), "{out}");
    }
}
