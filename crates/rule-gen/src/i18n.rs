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

/// An act: past tense and infinitive, English and Russian (masculine past; the Russian verbs
/// take their object in the accusative, as [`object_phrase`] gives it).
struct Verb {
    past_en: &'static str,
    inf_en: &'static str,
    past_ru: &'static str,
    inf_ru: &'static str,
}

const fn verb(
    past_en: &'static str,
    inf_en: &'static str,
    past_ru: &'static str,
    inf_ru: &'static str,
) -> Verb {
    Verb {
        past_en,
        inf_en,
        past_ru,
        inf_ru,
    }
}

/// The verb of an action that takes a direct object, when it has one.
fn transitive(action: &str) -> Option<Verb> {
    Some(match action {
        "create" => verb("created", "create", "создал", "создать"),
        "remove" => verb("removed", "remove", "удалил", "удалить"),
        "modify" => verb("modified", "modify", "изменил", "изменить"),
        "open" => verb("opened", "open", "открыл", "открыть"),
        "close" => verb("closed", "close", "закрыл", "закрыть"),
        "start" => verb("started", "start", "запустил", "запустить"),
        "stop" => verb("stopped", "stop", "остановил", "остановить"),
        "execute" => verb("executed", "execute", "выполнил", "выполнить"),
        "read" => verb("read", "read", "прочитал", "прочитать"),
        "clean" => verb("cleared", "clear", "очистил", "очистить"),
        "move" | "rename" => verb("renamed", "rename", "переименовал", "переименовать"),
        "lock" => verb("locked", "lock", "заблокировал", "заблокировать"),
        "unlock" => verb("unlocked", "unlock", "разблокировал", "разблокировать"),
        "enable" => verb("enabled", "enable", "включил", "включить"),
        "disable" => verb("disabled", "disable", "отключил", "отключить"),
        "install" => verb("installed", "install", "установил", "установить"),
        "uninstall" => verb("uninstalled", "uninstall", "удалил", "удалить"),
        "detect" => verb("detected", "detect", "обнаружил", "обнаружить"),
        _ => return None,
    })
}

/// The taxonomy's object as a noun phrase: English, Russian accusative.
fn object_phrase(object: &str) -> Option<(&'static str, &'static str)> {
    Some(match object {
        "file_object" => ("the file object", "файловый объект"),
        "process" => ("the process", "процесс"),
        "service" => ("the service", "службу"),
        "account" => ("the account", "учётную запись"),
        "user_group" => ("the user group", "группу пользователей"),
        "session" => ("a session", "сеанс"),
        "connection" => ("a connection", "соединение"),
        "command" => ("the command", "команду"),
        "application" => ("the application", "приложение"),
        "module" => ("the module", "модуль"),
        "task" => ("the task", "задачу"),
        "configuration" => ("the configuration", "конфигурацию"),
        "policy" => ("the policy", "политику"),
        "log" => ("the log", "журнал"),
        "reg_object" => ("the registry object", "объект реестра"),
        "link" => ("the link", "ссылку"),
        "resource" => ("the resource", "ресурс"),
        "rule" => ("the rule", "правило"),
        "message" => ("the message", "сообщение"),
        _ => return None,
    })
}

/// The placeholder naming the acted-on object: its full path, its name, or the name of the
/// process or account it is.
fn object_name(object: Option<&str>, has: &dyn Fn(&str) -> bool) -> Option<&'static str> {
    let candidates: &[&'static str] = match object {
        Some("process") => &[
            "object.process.fullpath",
            "object.process.name",
            "object.name",
        ],
        Some("account") => &["object.account.name", "object.name"],
        _ => &["object.fullpath", "object.name"],
    };
    candidates.iter().copied().find(|f| has(f))
}

/// The sentence's predicate: (English, Russian, whether it names the object's placeholder).
fn predicate(
    action: &str,
    object: Option<&str>,
    failed: bool,
    has: &dyn Fn(&str) -> bool,
) -> (String, String, bool) {
    let simple = |past_en: &str, inf_en: &str, past_ru: &str, inf_ru: &str| {
        if failed {
            (
                format!("failed to {inf_en}"),
                format!("не смог {inf_ru}"),
                false,
            )
        } else {
            (past_en.to_string(), past_ru.to_string(), false)
        }
    };
    match action {
        "login" => return simple("logged in", "log in", "вошёл в систему", "войти в систему"),
        "logout" => {
            return simple(
                "logged out",
                "log out",
                "вышел из системы",
                "выйти из системы",
            )
        }
        "elevate" => {
            return simple(
                "elevated privileges",
                "elevate privileges",
                "повысил привилегии",
                "повысить привилегии",
            )
        }
        "deelevate" => {
            return simple(
                "lowered privileges",
                "lower privileges",
                "понизил привилегии",
                "понизить привилегии",
            )
        }
        "access" => {
            // Russian takes the dative here: one generic noun rather than a case per object.
            let named = object_name(object, has);
            let obj_en = object.and_then(object_phrase).map_or("an object", |p| p.0);
            let (obj_en, obj_ru) = match named {
                Some(f) => (
                    format!("{obj_en} \"{{{f}}}\""),
                    format!("объекту «{{{f}}}»"),
                ),
                None => (obj_en.to_string(), "объекту".to_string()),
            };
            let (en, ru) = if failed {
                (
                    format!("failed to access {obj_en}"),
                    format!("не смог получить доступ к {obj_ru}"),
                )
            } else {
                (
                    format!("accessed {obj_en}"),
                    format!("получил доступ к {obj_ru}"),
                )
            };
            return (en, ru, named.is_some());
        }
        // A process that starts or stops with no other process named does so itself.
        "start" | "stop"
            if matches!(object, None | Some("process")) && object_name(object, has).is_none() =>
        {
            return if action == "start" {
                simple("started", "start", "запустился", "запуститься")
            } else {
                simple("stopped", "stop", "остановился", "остановиться")
            };
        }
        _ => {}
    }
    let phrase = object.and_then(object_phrase);
    match (transitive(action), phrase) {
        (Some(v), Some((obj_en, obj_ru))) => {
            let named = object_name(object, has);
            let (obj_en, obj_ru) = match named {
                Some(f) => (
                    format!("{obj_en} \"{{{f}}}\""),
                    format!("{obj_ru} «{{{f}}}»"),
                ),
                None => (obj_en.to_string(), obj_ru.to_string()),
            };
            if failed {
                (
                    format!("failed to {} {obj_en}", v.inf_en),
                    format!("не смог {} {obj_ru}", v.inf_ru),
                    named.is_some(),
                )
            } else {
                (
                    format!("{} {obj_en}", v.past_en),
                    format!("{} {obj_ru}", v.past_ru),
                    named.is_some(),
                )
            }
        }
        (Some(v), None) => {
            let obj_ru = "объект";
            if failed {
                (
                    format!("failed to {} an object", v.inf_en),
                    format!("не смог {} {obj_ru}", v.inf_ru),
                    false,
                )
            } else {
                (
                    format!("{} an object", v.past_en),
                    format!("{} {obj_ru}", v.past_ru),
                    false,
                )
            }
        }
        (None, _) => simple(
            &format!("performed the action {action}"),
            &format!("perform the action {action}"),
            &format!("выполнил действие {action}"),
            &format!("выполнить действие {action}"),
        ),
    }
}

/// A view of an assignment for the descriptions, where a classification field read per event
/// (`action = if in_list([…], $program_name) then "elevate" else "login" endif`) counts by its
/// usual value, the `else` branch: the act of the record's type, which the other members
/// share.
struct Usual<'a>(&'a Assignment);

impl Usual<'_> {
    fn get(&self, field: &str) -> Option<&field_assign::Assigned> {
        self.0.get(field)
    }

    fn constant(&self, field: &str) -> Option<&str> {
        if let Some(c) = self.0.constant(field) {
            return Some(c);
        }
        match &self.0.get(field)?.source {
            // An outcome read per event has no usual value: its `else` is the failure.
            field_assign::Source::Expr(e) if e.starts_with("if ") && field != "status" => {
                let (expr, _) = xp_syntax::parser::parse_expr(e);
                match expr?.kind {
                    xp_syntax::ast::ExprKind::If {
                        otherwise: Some(o), ..
                    } => match o.kind {
                        // The literal as written, when it has no escapes (act words).
                        xp_syntax::ast::ExprKind::Str(v, _) => {
                            let start = o.span.start as usize + 1;
                            let end = (o.span.end as usize).checked_sub(1)?;
                            e.get(start..end).filter(|w| *w == v)
                        }
                        _ => None,
                    },
                    _ => None,
                }
            }
            _ => None,
        }
    }
}

/// The descriptions for a rule named `name` (words of the event) with this assignment.
pub fn texts(name_words: &str, a: &Assignment) -> Texts {
    let a = &Usual(a);
    let has = |f: &str| a.get(f).is_some();
    // A process that starts or stops with no actor named does so itself: it is the sentence's
    // subject (`The process {object.process.name} stopped`).
    let acting = [
        "subject.account.name",
        "subject.process.name",
        "subject.account.id",
    ]
    .iter()
    .any(|f| has(f));
    let itself = (!acting
        && a.constant("object") == Some("process")
        && matches!(a.constant("action"), Some("start" | "stop")))
    .then(|| {
        ["object.process.name", "object.process.fullpath"]
            .into_iter()
            .find(|f| has(f))
    })
    .flatten();
    let (subj_en, subj_ru) = if let Some(f) = itself {
        (format!("The process {{{f}}}"), format!("Процесс {{{f}}}"))
    } else if has("subject.account.name") {
        (
            "The user {subject.account.name}".to_string(),
            "Пользователь {subject.account.name}".to_string(),
        )
    } else if has("subject.process.name") && a.constant("subject") != Some("account") {
        (
            "The process {subject.process.name}".to_string(),
            "Процесс {subject.process.name}".to_string(),
        )
    } else if has("subject.account.id") && a.constant("subject") != Some("process") {
        (
            "The user with ID {subject.account.id}".to_string(),
            "Пользователь с идентификатором {subject.account.id}".to_string(),
        )
    } else if a.constant("subject") == Some("process") {
        ("A process".to_string(), "Процесс".to_string())
    } else {
        ("A user".to_string(), "Пользователь".to_string())
    };
    let mut en;
    let mut ru;
    let mut object_named = false;
    // A filter's verdict on traffic: the rule is the sentence's subject (neuter in Russian).
    let verdict = match (a.constant("subject"), a.constant("action")) {
        (Some("rule"), Some("allow")) => Some(("allowed", "разрешило")),
        (Some("rule"), Some("deny")) => Some(("blocked", "заблокировало")),
        _ => None,
    };
    match a.constant("action") {
        Some(_) if verdict.is_some() => {
            let (v_en, v_ru) = verdict.unwrap_or_default();
            let (rule_en, rule_ru) = if has("subject.name") {
                ("The rule {subject.name}", "Правило {subject.name}")
            } else {
                ("A filtering rule", "Правило фильтрации")
            };
            en = format!("{rule_en} {v_en} a connection");
            ru = format!("{rule_ru} {v_ru} подключение");
        }
        Some(action) => {
            let failed = a.constant("status") == Some("failure");
            let (p_en, p_ru, named) = if itself.is_some() {
                let (en, ru, _) = predicate(action, None, failed, &|_: &str| false);
                (en, ru, true)
            } else {
                predicate(action, a.constant("object"), failed, &has)
            };
            en = format!("{subj_en} {p_en}");
            ru = format!("{subj_ru} {p_ru}");
            object_named = named;
        }
        None => {
            let what = if has("msgid") { " {msgid}" } else { "" };
            // A name that starts with the msgid constant says it once (`Event {msgid}: SSH
            // brute force attempt`, not `… 300417 SSH …`).
            let words = match a.constant("msgid") {
                Some(m) if !m.is_empty() && name_words.starts_with(m) => {
                    name_words[m.len()..].trim_start()
                }
                _ => name_words,
            };
            en = format!("Event{what}: {words}");
            ru = format!("Событие{what}: {words}");
        }
    }
    if has("src.ip") {
        en.push_str(" from {src.ip}");
        ru.push_str(" с адреса {src.ip}");
    }
    if has("object.name") && !object_named {
        en.push_str(", object {object.name}");
        ru.push_str(", объект {object.name}");
    }
    en.push_str(" on host {event_src.host}");
    ru.push_str(" на узле {event_src.host}");
    if has("reason") {
        en.push_str(". Reason: {reason}");
        ru.push_str(". Причина: {reason}");
    }
    // The rule's description says what happened without placeholders, in each language
    // (`A user failed to log in` / `Пользователь не смог войти в систему`); with no action
    // known, the event's own words.
    let (description_en, description_ru) = match a.constant("action") {
        Some(_) if verdict.is_some() => {
            let (v_en, v_ru) = verdict.unwrap_or_default();
            (
                format!("A filtering rule {v_en} a connection"),
                format!("Правило фильтрации {v_ru} подключение"),
            )
        }
        Some(action) => {
            let failed = a.constant("status") == Some("failure");
            let process = itself.is_some() || a.constant("subject") == Some("process");
            let (s_en, s_ru) = if process {
                ("A process", "Процесс")
            } else {
                ("A user", "Пользователь")
            };
            let object = if itself.is_some() {
                None
            } else {
                a.constant("object")
            };
            // Nothing named: a process another starts or stops is still its object.
            let named = |f: &str| object == Some("process") && f == "object.process.name";
            let (p_en, p_ru, _) = predicate(action, object, failed, &named);
            let (p_en, p_ru) = (
                p_en.replace(" \"{object.process.name}\"", ""),
                p_ru.replace(" «{object.process.name}»", ""),
            );
            (format!("{s_en} {p_en}"), format!("{s_ru} {p_ru}"))
        }
        None => (
            format!("Event: {name_words}"),
            format!("Событие: {name_words}"),
        ),
    };
    Texts {
        description_en,
        description_ru,
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

    /// An assignment from `field=value` pairs: a value starting with `$` is an expression,
    /// any other a constant.
    fn a(fields: &[&str]) -> Assignment {
        Assignment {
            prelude: vec![],
            fields: fields
                .iter()
                .map(|f| {
                    let (field, v) = f.split_once('=').unwrap();
                    let source = if v.starts_with('$') {
                        Source::Expr(v.into())
                    } else {
                        Source::Const(v.into())
                    };
                    Assigned {
                        field: field.to_string(),
                        source,
                        why: field_assign::Why::Test,
                    }
                })
                .collect(),
        }
    }

    /// (fields, English, Russian) of one event description.
    const CASES: &[(&[&str], &str, &str)] = &[
        (
            &[
                "action=login",
                "status=failure",
                "subject.account.name=$for",
                "src.ip=$from",
            ],
            "The user {subject.account.name} failed to log in from {src.ip} on host {event_src.host}",
            "Пользователь {subject.account.name} не смог войти в систему с адреса {src.ip} на узле {event_src.host}",
        ),
        (
            &[
                "action=create",
                "object=file_object",
                "subject.account.id=$uid",
                "object.fullpath=$path",
                "object.name=$name",
                "reason=$why",
            ],
            "The user with ID {subject.account.id} created the file object \"{object.fullpath}\" on host {event_src.host}. Reason: {reason}",
            "Пользователь с идентификатором {subject.account.id} создал файловый объект «{object.fullpath}» на узле {event_src.host}. Причина: {reason}",
        ),
        (
            &[
                "subject=process",
                "action=stop",
                "object=service",
                "status=failure",
                "subject.process.name=$p",
            ],
            "The process {subject.process.name} failed to stop the service on host {event_src.host}",
            "Процесс {subject.process.name} не смог остановить службу на узле {event_src.host}",
        ),
        (
            &["subject=process", "action=stop", "subject.process.name=$p"],
            "The process {subject.process.name} stopped on host {event_src.host}",
            "Процесс {subject.process.name} остановился на узле {event_src.host}",
        ),
        (
            &[
                "subject=process",
                "action=stop",
                "object=process",
                "object.process.name=$p",
            ],
            "The process {object.process.name} stopped on host {event_src.host}",
            "Процесс {object.process.name} остановился на узле {event_src.host}",
        ),
        (
            &["action=access", "object=file_object", "object.name=$name"],
            "A user accessed the file object \"{object.name}\" on host {event_src.host}",
            "Пользователь получил доступ к объекту «{object.name}» на узле {event_src.host}",
        ),
    ];

    #[test]
    fn descriptions() {
        for (fields, en, ru) in CASES {
            let t = texts("words", &a(fields));
            assert_eq!(t.event_en, *en, "{fields:?}");
            assert_eq!(t.event_ru, *ru, "{fields:?}");
        }
        // The rule's description: the act without placeholders.
        let t = texts("words", &a(CASES[0].0));
        assert_eq!(t.description_en, "A user failed to log in");
        assert_eq!(t.description_ru, "Пользователь не смог войти в систему");
        let t = texts(
            "words",
            &a(&["action=start", "object=process", "subject.account.name=$u"]),
        );
        assert_eq!(t.description_en, "A user started the process");
        assert_eq!(t.description_ru, "Пользователь запустил процесс");
        // No action: the event's name, its msgid said once.
        let t = texts("300417 SSH brute force attempt", &a(&["msgid=300417"]));
        assert_eq!(
            t.event_en,
            "Event {msgid}: SSH brute force attempt on host {event_src.host}"
        );
        // An act read per event is told by its usual value, the `else` branch.
        let mut per_event = a(&["object=system", "subject.account.name=$u"]);
        per_event.fields.push(field_assign::Assigned {
            field: "action".into(),
            source: Source::Expr(
                r#"if in_list(["su"], $program_name) then "elevate" else "login" endif"#.into(),
            ),
            why: field_assign::Why::Test,
        });
        let usual = texts(
            "words",
            &a(&["action=login", "object=system", "subject.account.name=$u"]),
        );
        assert_eq!(texts("words", &per_event).event_en, usual.event_en);
        let t = texts("words", &a(CASES[0].0));
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
