//! One rule on one raw event: `POST /v1/normalize` and `POST /v1/validate`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use xp_eval::{CompileOptions, Outcome, Rule, RunOptions};

use crate::error::ApiError;

/// A request: the rule's formula.xp and one raw event.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleRequest {
    /// formula.xp source.
    pub formula: String,
    /// The raw event.
    pub raw: String,
    /// Year for year-less timestamps (default: the service's).
    pub year: Option<i32>,
    /// `recv_ipv4` for events without a transport envelope.
    pub recv_ipv4: Option<std::net::IpAddr>,
    /// The expected normalized event (norm_N.js), for validate.
    pub expected: Option<Map<String, Value>>,
}

/// What normalizing gives.
#[derive(Debug, Serialize)]
pub struct Normalized {
    /// Whether the rule matched (and did not drop) the event.
    pub matched: bool,
    /// The normalized event (flat keys, sorted).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<Map<String, Value>>,
    /// Why not, when it did not match.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// What validating gives.
#[derive(Debug, Serialize)]
pub struct Validated {
    /// The event equals the expectation (field by field, by type).
    pub passed: bool,
    /// A unified diff of expected and produced events, or the reason none was produced.
    pub diff: String,
    /// The produced event.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<Map<String, Value>>,
}

fn compile(formula: &str) -> Result<Rule, ApiError> {
    Rule::compile(formula, CompileOptions::default()).map_err(|d| {
        ApiError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "formula",
            xp_syntax::render_all(&d, "formula.xp", formula),
        )
    })
}

/// Runs the rule on the event.
pub fn normalize(req: &RuleRequest, year: i32) -> Result<Normalized, ApiError> {
    let rule = compile(&req.formula)?;
    let mut opts = RunOptions {
        year: req.year.unwrap_or(year),
        ..RunOptions::default()
    };
    if let Some(ip) = req.recv_ipv4 {
        opts.recv_ipv4 = ip;
    }
    Ok(match rule.normalize(&req.raw, &opts) {
        Ok(Outcome::Normalized(ev)) => Normalized {
            matched: true,
            fields: Some(ev.to_json()),
            reason: None,
        },
        Ok(Outcome::NoMatch(m)) => Normalized {
            matched: false,
            fields: None,
            reason: Some(format!("the rule does not match this event: {m:?}")),
        },
        Ok(Outcome::Dropped) => Normalized {
            matched: false,
            fields: None,
            reason: Some("the rule dropped this event".into()),
        },
        Err(d) => {
            return Err(ApiError::new(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                "event",
                d.render("raw", &req.raw),
            ))
        }
    })
}

/// Runs the rule and compares with `expected`.
pub fn validate(req: &RuleRequest, year: i32) -> Result<Validated, ApiError> {
    let Some(expected) = &req.expected else {
        return Err(ApiError::bad_request(
            "missing_expected",
            "validate needs `expected`: the normalized event (norm_N.js) the rule should give",
        ));
    };
    let n = normalize(req, year)?;
    Ok(match n.fields {
        Some(actual) => {
            let diffs =
                xp_package::compare::compare(expected, &actual, xp_taxonomy::Taxonomy::embedded());
            Validated {
                passed: diffs.is_empty(),
                diff: xp_package::compare::render_diff(expected, &actual, &diffs),
                fields: Some(actual),
            }
        }
        None => Validated {
            passed: false,
            diff: n.reason.unwrap_or_default(),
            fields: None,
        },
    })
}

/// `POST /v1/explain`: one raw event against a finished job's rules or the service's rule set.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExplainRequest {
    /// The raw event.
    pub raw: String,
    /// A finished job whose packages to use (default: the service's `--rules`).
    pub job: Option<String>,
    /// `en` (default) or `ru`.
    pub lang: Option<String>,
    /// Year for year-less timestamps.
    pub year: Option<i32>,
}

/// What explaining gives.
#[derive(Debug, Serialize)]
pub struct Explained {
    /// The rule's id.
    pub rule: String,
    /// Its package folder.
    pub dir: String,
    /// The description with its placeholders filled.
    pub description: Option<String>,
    /// The description as the rule states it.
    pub template: Option<String>,
    /// Placeholders the event has no value for.
    pub missing: Vec<String>,
    /// The normalized event.
    pub fields: Map<String, Value>,
    /// Other rules that normalize the event too.
    pub also: Vec<String>,
}

/// Explains `raw` with `set`; `describe(rule dir, lang, fields)` finds the description.
pub fn explain(
    set: &ruleset::RuleSet,
    req: &ExplainRequest,
    year: i32,
    describe: impl Fn(&str, &str, &Map<String, Value>) -> Option<String>,
) -> Result<Explained, ApiError> {
    let lang = req.lang.as_deref().unwrap_or("en");
    if lang != "en" && lang != "ru" {
        return Err(ApiError::bad_request("bad_option", "lang: en or ru"));
    }
    let opts = RunOptions {
        year: req.year.unwrap_or(year),
        ..RunOptions::default()
    };
    let raw = req.raw.trim_end_matches(['\r', '\n']);
    let applied = set.apply(raw, &opts);
    let Some((w, fields)) = applied.winner else {
        return Err(ApiError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "no_match",
            format!("no rule of the {} normalizes this event", set.rules.len()),
        ));
    };
    let fields = fields.to_json();
    let rule = &set.rules[w];
    let template = describe(&rule.dir, lang, &fields);
    let (description, missing) = match &template {
        Some(t) => {
            let (d, m) = xp_package::describe::fill(t, &fields);
            (Some(d), m)
        }
        None => (None, Vec::new()),
    };
    Ok(Explained {
        rule: rule.id.clone(),
        dir: rule.dir.clone(),
        description,
        template,
        missing,
        fields,
        also: applied
            .also
            .iter()
            .map(|&i| set.rules[i].id.clone())
            .collect(),
    })
}
