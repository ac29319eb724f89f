//! Fixed JSON and EVENTLOG rules normalizing arbitrary input: the input decoders (JSON,
//! Windows event log as JSON or XML), member access, built-ins and field typing must never
//! panic, whatever the event.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use xp_eval::{Rule, RunOptions};

const JSON_RULE: &str = r#"JSON = ''
COND = $user != null
subject = "account"
action = "login"
subject.account.name = lower($user["name"])
subject.account.domain = upper(strip($user["domain"], " ", "."))
src.ip = $addr
src.port = $port
time = $ts
datafield1 = $missing["x"]
datafield2 = string(is_list($arr))
datafield3 = string($n + 1)
datafield4 = $arr[1]["x"]
datafield5 = string(length($obj))
datafield6 = substr($msg, 2, 5)
datafield7 = string(find_substr($msg, "="))
datafield8 = $obj["inner"]["name"]
id = "NF_fuzz_json"
"#;

/// Built-ins fed with event values, both as the data and as their patterns/separators.
const FUNCTIONS_RULE: &str = r##"JSON = ''
$kv = keyvalue($s, " ", "=")
$kv2 = keyvalue($s, $a, $b)
$c = csv($s, ",", "\"")
$c2 = csv($s, $a, $b)
datafield1 = string(maybe_datetime($s))
datafield2 = string(maybe_number($s))
datafield3 = string(maybe_macaddr($s))
datafield4 = string(maybe_duration($s))
datafield5 = string(hex_to_string($s))
datafield6 = string(length($kv)) + string(length($kv2))
datafield7 = join($c, "|") + join($c2, "|")
datafield8 = string(replace($s, "-", $a))
datafield9 = string(replace("a.b.c key=value line1", "#", $s))
datafield10 = string(regex($s, "user=(\\w+)", 1))
datafield11 = string(regex("user=root id=42", $s, 1))
datafield12 = string(in_subnet($s, "10.0.0.0/8")) + string(in_subnet("10.1.2.3", $s))
datafield13 = string(decode(buffer_from_base64($s), "UTF-8"))
datafield14 = string(decode(buffer_from_base64($s), "UCS2-LE"))
datafield15 = strip($s, $a, $b) + substr($s, $n, $n)
datafield16 = string(maybe_ipv4($s))
id = "NF_fuzz_functions"
"##;

const EVENTLOG_RULE: &str = r#"EVENTLOG = 'EventID="4624"'
action = "login"
status = "success"
subject.account.name = $Data["TargetUserName"]
subject.account.domain = $Data["TargetDomainName"]
logon_type = $Data["LogonType"]
src.ip = $Data["IpAddress"]
src.port = $Data["IpPort"]
datafield2 = $Provider["Name"]
datafield3 = $Computer
time = $TimeCreated["SystemTime"]
event_src.hostname = lower(substr($Computer, 0, find_substr($Computer, ".")))
id = "NF_fuzz_eventlog"
"#;

fn rules() -> &'static [Rule; 3] {
    static RULES: OnceLock<[Rule; 3]> = OnceLock::new();
    RULES.get_or_init(|| {
        let compile = |src: &str| Rule::compile(src, Default::default()).expect("fixed fuzz rule compiles");
        [compile(JSON_RULE), compile(FUNCTIONS_RULE), compile(EVENTLOG_RULE)]
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(raw) = std::str::from_utf8(data) else { return };
    let opts = RunOptions { year: 2024, ..RunOptions::default() };
    for rule in rules() {
        let _ = rule.normalize(raw, &opts);
    }
});
