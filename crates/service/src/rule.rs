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
