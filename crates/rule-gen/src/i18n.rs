//! i18n_en.yaml / i18n_ru.yaml: a Description of the rule and an EventDescription whose
//! `{field}` placeholders name only fields the rule sets (and `event_src.host`, which the SIEM
//! fills from the event source whether or not the rule sets a host field; the experts write it
//! in nearly every description).

use field_assign::Assignment;

/// Both descriptions of a rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Texts {
    /// Rule description, English.
    pub description_en: String,
    /// Rule description, Russian.
    pub description_ru: String,
    /// Event description, English.
    pub event_en: String,
    /// Event description, Russian.
    pub event_ru: String,
}

/// (past tense, infinitive) in English and Russian for an action on an object.
fn verbs(action: &str, object: &str) -> (String, String, String, String) {
    let (ep, ei, rp, ri) = match (action, object) {
        ("login", _) => ("logged in", "log in", "вошёл в систему", "войти в систему"),
        ("logout", _) => (
            "logged out",
            "log out",
            "вышел из системы",
            "выйти из системы",
        ),
        ("open", "connection") => (
            "opened a connection",
            "open a connection",
            "открыл соединение",
            "открыть соединение",
        ),
        ("close", "connection") => (
            "closed a connection",
            "close a connection",
            "закрыл соединение",
            "закрыть соединение",
        ),
        ("open", "session") => (
            "opened a session",
            "open a session",
            "открыл сеанс",
            "открыть сеанс",
        ),
        ("close", "session") => (
            "closed a session",
            "close a session",
            "закрыл сеанс",
            "закрыть сеанс",
        ),
        ("start", "service") => (
            "started a service",
            "start a service",
            "запустил службу",
            "запустить службу",
        ),
        ("start", _) => ("started", "start", "запустился", "запуститься"),
        ("stop", _) => ("stopped", "stop", "остановился", "остановиться"),
        ("create", _) => (
            "created an object",
            "create an object",
            "создал объект",
            "создать объект",
        ),
        ("remove", _) => (
            "removed an object",
            "remove an object",
            "удалил объект",
            "удалить объект",
        ),
        ("modify", _) => (
            "modified an object",
            "modify an object",
            "изменил объект",
            "изменить объект",
        ),
        ("clean", _) => (
            "cleared an object",
            "clear an object",
            "очистил объект",
            "очистить объект",
        ),
        ("execute", _) => (
            "ran a program",
            "run a program",
            "запустил программу",
            "запустить программу",
        ),
        _ => {
            return (
                format!("performed the action {action}"),
                format!("perform the action {action}"),
                format!("выполнил действие {action}"),
                format!("выполнить действие {action}"),
            )
        }
    };
    (ep.into(), ei.into(), rp.into(), ri.into())
}

/// The descriptions for a rule named `name` (words of the event) with this assignment.
pub fn texts(name_words: &str, a: &Assignment) -> Texts {
    let has = |f: &str| a.get(f).is_some();
    let (subj_en, subj_ru) = if has("subject.account.name") {
        (
            "The user {subject.account.name}".to_string(),
            "Пользователь {subject.account.name}".to_string(),
        )
    } else if has("subject.process.name") && a.constant("subject") != Some("account") {
        (
            "The process {subject.process.name}".to_string(),
            "Процесс {subject.process.name}".to_string(),
        )
    } else if a.constant("subject") == Some("process") {
        ("A process".to_string(), "Процесс".to_string())
    } else {
        ("A user".to_string(), "Пользователь".to_string())
    };
    let mut en;
    let mut ru;
    match (a.constant("action"), a.constant("object")) {
        (Some(action), object) => {
            let (ep, ei, rp, ri) = verbs(action, object.unwrap_or(""));
            if a.constant("status") == Some("failure") {
                en = format!("{subj_en} failed to {ei}");
                ru = format!("{subj_ru} не смог {ri}");
            } else {
                en = format!("{subj_en} {ep}");
                ru = format!("{subj_ru} {rp}");
            }
        }
        (None, _) => {
            let what = if has("msgid") { " {msgid}" } else { "" };
            en = format!("Event{what}: {name_words}");
            ru = format!("Событие{what}: {name_words}");
        }
    }
    if has("src.ip") {
        en.push_str(" from {src.ip}");
        ru.push_str(" с адреса {src.ip}");
    }
    if has("object.name") {
        en.push_str(", object {object.name}");
        ru.push_str(", объект {object.name}");
    }
    en.push_str(" on host {event_src.host}");
    ru.push_str(" на узле {event_src.host}");
    Texts {
        description_en: format!("Event: {name_words}"),
        description_ru: format!("Событие: {name_words}"),
        event_en: en,
        event_ru: ru,
    }
}

/// A YAML single-quoted scalar.
pub fn yaml_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''").replace(['\n', '\r'], " "))
}

/// The i18n file for one language.
pub fn file(description: &str, localization_id: &str, event: &str) -> String {
    format!(
        "Description: {}\nEventDescriptions:\n    - LocalizationId: {}\n      EventDescription: {}\n",
        yaml_quote(description),
        localization_id,
        yaml_quote(event)
    )
}

/// Placeholders of a description (`{field}` names).
pub fn placeholders(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find('{') {
        let Some(j) = rest[i..].find('}') else { break };
        out.push(rest[i + 1..i + j].to_string());
        rest = &rest[i + j + 1..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use field_assign::{Assigned, Source};

    fn a(fields: &[(&str, Source)]) -> Assignment {
        Assignment {
            prelude: vec![],
            fields: fields
                .iter()
                .map(|(f, s)| Assigned {
                    field: f.to_string(),
                    source: s.clone(),
                    why: "test",
                })
                .collect(),
        }
    }

    #[test]
    fn failed_login() {
        let t = texts(
            "Failed password",
            &a(&[
                ("action", Source::Const("login".into())),
                ("status", Source::Const("failure".into())),
                ("subject.account.name", Source::Expr("$for".into())),
                ("src.ip", Source::Expr("$from".into())),
            ]),
        );
        assert_eq!(
            t.event_en,
            "The user {subject.account.name} failed to log in from {src.ip} on host {event_src.host}"
        );
        assert_eq!(
            t.event_ru,
            "Пользователь {subject.account.name} не смог войти в систему с адреса {src.ip} на узле {event_src.host}"
        );
        assert_eq!(
            placeholders(&t.event_en),
            ["subject.account.name", "src.ip", "event_src.host"]
        );
    }

    #[test]
    fn yaml_quoting() {
        assert_eq!(yaml_quote("it's"), "'it''s'");
    }
}
