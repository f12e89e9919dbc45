//! Pure: what every export shares — which authorizers it describes, the names it gives them and
//! the methods, how each method is guarded, and how a string is written in YAML and TypeScript.

use crate::domain::model::{method_key, ApiKind, AuthType, Authorizer, Method};
use crate::domain::template::spec::{logical_id, ExportInput};
use std::collections::BTreeSet;

pub const REST_IDENTITY: &str = "method.request.header.Authorization";
pub const HTTP_IDENTITY: &str = "$request.header.Authorization";
/// API Gateway's default result TTL of a REST authorizer.
pub const DEFAULT_TTL: i32 = 300;

/// An export's view of the API: the authorizers it describes and every method, each with a
/// logical id unique in the template, in a stable order (authorizers by name, methods by path
/// then verb).
pub struct Plan<'a> {
    pub input: &'a ExportInput,
    pub authorizers: Vec<Described<'a>>,
    pub methods: Vec<Exported<'a>>,
}

/// An authorizer the export writes out: a Cognito one (REST) or a JWT one (HTTP).
pub struct Described<'a> {
    pub logical_id: String,
    pub authorizer: &'a Authorizer,
}

pub struct Exported<'a> {
    pub logical_id: String,
    pub method: &'a Method,
}

/// How a method is guarded, as far as an export can say it.
pub enum Guard<'a> {
    /// No authorizer to name: NONE, AWS_IAM, or a type that names none.
    Plain,
    /// By an authorizer the export describes.
    Described(&'a Described<'a>),
    /// By an authorizer the export does not describe (a Lambda one, or one it cannot find): its
    /// id, and its name and kind when the API lists it.
    Other {
        id: String,
        authorizer: Option<&'a Authorizer>,
    },
}

impl<'a> Plan<'a> {
    pub fn new(input: &'a ExportInput) -> Plan<'a> {
        let mut names = Names::default();
        let mut authorizers: Vec<&Authorizer> = input
            .authorizers
            .iter()
            .filter(|a| describes(input.api.kind, a))
            .collect();
        authorizers.sort_by(|a, b| (&a.name, &a.id).cmp(&(&b.name, &b.id)));
        let authorizers = authorizers
            .into_iter()
            .map(|a| Described {
                logical_id: names.take(logical_id(&a.name, "Authorizer")),
                authorizer: a,
            })
            .collect();
        let mut methods: Vec<&Method> = input.methods.iter().collect();
        methods.sort_by(|a, b| (&a.path, &a.verb).cmp(&(&b.path, &b.verb)));
        let suffix = match input.api.kind {
            ApiKind::Http => "Route",
            _ => "Method",
        };
        let methods = methods
            .into_iter()
            .map(|m| Exported {
                logical_id: names.take(logical_id(&method_words(m), suffix)),
                method: m,
            })
            .collect();
        Plan {
            input,
            authorizers,
            methods,
        }
    }

    pub fn guard(&self, m: &Method) -> Guard<'_> {
        let id = match m.authorizer_id.as_deref() {
            Some(id) if !id.is_empty() && m.authorization_type.uses_authorizer() => id,
            _ => return Guard::Plain,
        };
        match self.authorizers.iter().find(|d| d.authorizer.id == id) {
            Some(d) => Guard::Described(d),
            None => Guard::Other {
                id: id.to_string(),
                authorizer: self.input.authorizers.iter().find(|a| a.id == id),
            },
        }
    }

    /// The authorizers at least one method uses (CDK creates an authorizer only through one).
    pub fn used_authorizers(&self) -> Vec<&Described<'a>> {
        self.authorizers
            .iter()
            .filter(|d| {
                self.methods.iter().any(|e| {
                    e.method.authorization_type.uses_authorizer()
                        && e.method.authorizer_id.as_deref() == Some(d.authorizer.id.as_str())
                })
            })
            .collect()
    }

    /// "REST API SecurePets (a1b2c3) in eu-west-1, stage prod".
    pub fn api_words(&self) -> String {
        let i = self.input;
        let stage = match &i.stage {
            Some(s) => format!("stage {s}"),
            None => "as the API stands (no stage named)".to_string(),
        };
        format!(
            "{} {} ({}) in {}, {stage}",
            i.api.kind.noun(),
            i.api.name,
            i.api.id,
            i.region
        )
    }
}

/// Whether an export describes this authorizer: Cognito (REST) or JWT (HTTP); Lambda
/// authorizers are named by id only, since their function is not Gatehouse's to describe.
pub fn describes(kind: ApiKind, a: &Authorizer) -> bool {
    match kind {
        ApiKind::Http => a.kind.eq_ignore_ascii_case("JWT"),
        _ => a.kind.eq_ignore_ascii_case("COGNITO_USER_POOLS"),
    }
}

/// "get pets", "get root", "$default": the words a method's logical id is made of.
fn method_words(m: &Method) -> String {
    if m.path.starts_with('$') {
        return m.path.clone();
    }
    let path = if m.path.trim_matches('/').is_empty() {
        "root"
    } else {
        m.path.as_str()
    };
    format!("{} {path}", m.verb.to_lowercase())
}

/// "GET /pets", "$default": an HTTP route's key as AWS writes it.
pub fn route_key(m: &Method) -> String {
    m.route_key
        .clone()
        .filter(|k| !k.trim().is_empty())
        .unwrap_or_else(|| method_key(&m.verb, &m.path))
}

/// "open", "Cognito authorizer PetsPool", "IAM": how a comment names a method's protection.
pub fn protection_words(plan: &Plan, m: &Method) -> String {
    match (&m.authorization_type, plan.guard(m)) {
        (AuthType::None, _) => "open".to_string(),
        (AuthType::AwsIam, _) => "IAM".to_string(),
        (_, Guard::Described(d)) => format!("authorizer {}", d.authorizer.name),
        (_, Guard::Other { id, authorizer }) => match authorizer {
            Some(a) => format!("{} authorizer {} ({id})", a.kind, a.name),
            None => format!("authorizer {id}"),
        },
        (t, Guard::Plain) => t.as_str().to_string(),
    }
}

/// Ids unique in one template: a second "GetPetsMethod" becomes "GetPetsMethod2".
#[derive(Default)]
pub struct Names {
    used: BTreeSet<String>,
}

impl Names {
    pub fn take(&mut self, base: String) -> String {
        let mut name = base.clone();
        let mut n = 2;
        while !self.used.insert(name.clone()) {
            name = format!("{base}{n}");
            n += 1;
        }
        name
    }
}

/// "petsPool" from "PetsPool": a TypeScript variable name from a logical id.
pub fn camel(id: &str) -> String {
    let mut chars = id.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A YAML scalar for `s`: plain when YAML can only read it as that string, single-quoted
/// otherwise, double-quoted (JSON's escapes, which YAML reads) when it holds control characters.
pub fn yaml(s: &str) -> String {
    const WORDS: [&str; 11] = [
        "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", "",
    ];
    let plain = s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/' || c == '$')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_./$-".contains(c))
        && !WORDS.contains(&s.to_ascii_lowercase().as_str());
    if plain {
        s.to_string()
    } else if s.chars().any(char::is_control) {
        serde_json::Value::String(s.to_string()).to_string()
    } else {
        format!("'{}'", s.replace('\'', "''"))
    }
}

/// A template's `Description:` line; CloudFormation takes at most 1024 characters.
pub fn description_line(text: &str) -> String {
    let text: String = text.chars().take(1024).collect();
    format!("Description: {}\n", yaml(&text))
}

/// A YAML flow list: `['a', 'b']`, `[]`.
pub fn yaml_list(items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|s| yaml(s)).collect();
    format!("[{}]", items.join(", "))
}

/// A TypeScript string literal for `s`, single-quoted.
pub fn ts(s: &str) -> String {
    let mut out = String::from("'");
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || c == '\u{2028}' || c == '\u{2029}' => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// A comment's text on one line: a name with a line break cannot end the comment early.
pub fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_scalars_stay_the_strings_they_were() {
        assert_eq!(yaml("a1b2c3"), "a1b2c3");
        assert_eq!(
            yaml("method.request.header.Authorization"),
            "method.request.header.Authorization"
        );
        assert_eq!(
            yaml("$request.header.Authorization"),
            "$request.header.Authorization"
        );
        assert_eq!(yaml("/pets"), "/pets");
        assert_eq!(yaml("123456"), "'123456'");
        assert_eq!(yaml("yes"), "'yes'");
        assert_eq!(yaml("No"), "'No'");
        assert_eq!(yaml(""), "''");
        assert_eq!(yaml("GET /pets"), "'GET /pets'");
        assert_eq!(yaml("/pets/{id}"), "'/pets/{id}'");
        assert_eq!(yaml("it's"), "'it''s'");
        assert_eq!(yaml("a\nb"), "\"a\\nb\"");
        assert_eq!(yaml("arn:aws:x"), "'arn:aws:x'");
    }

    #[test]
    fn typescript_strings_escape_what_would_end_them() {
        assert_eq!(ts("it's"), "'it\\'s'");
        assert_eq!(ts("a\\b\nc"), "'a\\\\b\\nc'");
        assert_eq!(camel("PetsPoolAuthorizer"), "petsPoolAuthorizer");
    }

    #[test]
    fn names_repeat_with_a_number() {
        let mut n = Names::default();
        assert_eq!(n.take("A".into()), "A");
        assert_eq!(n.take("A".into()), "A2");
        assert_eq!(n.take("A".into()), "A3");
    }
}
