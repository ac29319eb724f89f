//! **syslog_program**: the program of a syslog header every member shares (`sshd[812]:`) is the
//! process that wrote the event and its source's subsystem; a program of the operating system
//! (`schema/unix-programs.tsv`) makes the source the system.
//!
//! `Nov  4 08:02:58 host sshd[812]: …` → `subject.process.name = "sshd"`,
//! `event_src.subsys = "sshd"`, `event_src.title = "unix_like"`.

use crate::engine::builder::{Builder, Override};
use crate::{Source, Why};

/// The syslog program every member names (`postgres` of `postgres[812]:`), if they agree.
pub(crate) fn shared_program(members: &[&str]) -> Option<String> {
    let mut app: Option<String> = None;
    for m in members {
        let a = ingest::syslog::parse(m).and_then(|h| h.app)?;
        match &app {
            Some(x) if *x != a => return None,
            Some(_) => {}
            None => app = Some(a),
        }
    }
    app
}

/// The program of a syslog header that every member shares (`sshd[812]:`) is the process that
/// wrote the event and the subsystem of its source.
pub(crate) fn syslog_program(members: &[&str], b: &mut Builder) {
    let mut app: Option<String> = None;
    for m in members {
        let Some(a) = ingest::syslog::parse(m).and_then(|h| h.app) else {
            return;
        };
        match &app {
            Some(x) if *x != a => return,
            Some(_) => {}
            None => app = Some(a),
        }
    }
    let app = app.map(|a| a.rsplit('/').next().unwrap_or_default().to_string());
    let Some(app) = app.filter(|a| {
        !a.is_empty()
            && a.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    }) else {
        return;
    };
    // The program outweighs what the nearest rule of another program said of the source
    // (an sshd rule's `event_src.subsys = "sshd"`, `event_src.vendor = "openbsd"`).
    let other = b.get("event_src.subsys").is_some_and(|a| {
        a.why == Why::Nearest && !matches!(&a.source, Source::Const(v) if *v == app)
    });
    b.remove_where(
        |f| f == "event_src.subsys" || other && f == "event_src.vendor",
        Override::Only(&[Why::Nearest]),
    );
    b.set(
        "subject.process.name",
        Source::Const(app.clone()),
        Why::Syslog,
    );
    // A program of the operating system itself: the source is the system.
    if crate::catalog::is_unix_program(&app) {
        b.set(
            "event_src.title",
            Source::Const("unix_like".into()),
            Why::Syslog,
        );
        b.set(
            "event_src.category",
            Source::Const("Operating system".into()),
            Why::Syslog,
        );
    }
    b.set("event_src.subsys", Source::Const(app), Why::Syslog);
}
