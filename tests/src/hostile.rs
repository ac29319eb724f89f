//! The hostile inputs of issue step 8 that are at most 1 MiB (the catalogue
//! `eval/bench/make_adversarial.py` writes for the bench, made here without Python): small
//! syslog logs with a control or Unicode character at the start of a line, inside a word,
//! between words and at the end; CR-only line ends; 20,000-word lines; a line just under 1 MiB;
//! an XML event of 100,000 children; JSON 100,000 levels deep and of 10,000 keys; CEF with 1,000
//! extension pairs.

/// A deterministic pseudo-random sequence (an LCG: the cases need variety, not quality).
struct Rnd(u64);

impl Rnd {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

const SSHD: [&str; 4] = [
    "Failed password for {u} from {ip} port {port} ssh2",
    "Accepted publickey for {u} from {ip} port {port} ssh2",
    "pam_unix(sshd:session): session opened for user {u} by (uid=0)",
    "Disconnected from user {u} {ip} port {port}",
];
const USERS: [&str; 5] = ["root", "alice", "bob", "carol", "dave"];

/// The special characters, by name, as bytes.
pub const SPECIALS: [(&str, &[u8]); 12] = [
    ("vt", b"\x0b"),
    ("ff", b"\x0c"),
    ("nul", b"\0"),
    ("esc", b"\x1b"),
    ("lone-cr", b"\r"),
    ("nbsp", "\u{a0}".as_bytes()),
    ("nel", "\u{85}".as_bytes()),
    ("ls", "\u{2028}".as_bytes()),
    ("ps", "\u{2029}".as_bytes()),
    ("combining", "e\u{301}\u{308}".as_bytes()),
    ("invalid-utf8", b"\xc3\x28\xff"),
    ("bom", "\u{feff}".as_bytes()),
];

fn sshd_line(i: usize, rnd: &mut Rnd) -> String {
    let msg = SSHD[rnd.below(SSHD.len())]
        .replace("{u}", USERS[rnd.below(USERS.len())])
        .replace(
            "{ip}",
            &format!(
                "10.{}.{}.{}",
                rnd.below(256),
                rnd.below(256),
                1 + rnd.below(254)
            ),
        )
        .replace("{port}", &(1024 + rnd.below(64_000)).to_string());
    format!(
        "Dec {:2} 06:{:02}:{:02} host-{} sshd[{}]: {msg}",
        1 + i % 28,
        i % 60,
        (7 * i) % 60,
        i % 3,
        1000 + i
    )
}

/// `line` with `special` put at the start, inside a word, between words or at the end.
fn put(line: &str, special: &[u8], at: usize, rnd: &mut Rnd) -> Vec<u8> {
    let b = line.as_bytes();
    let spaces: Vec<usize> = (0..b.len()).filter(|&i| b[i] == b' ').collect();
    let (cut, skip) = match at % 4 {
        0 => (0, 0),
        1 => (spaces[3 + rnd.below(spaces.len() - 3)] + 2, 0),
        2 => (spaces[rnd.below(spaces.len())], 1),
        _ => (b.len(), 0),
    };
    [&b[..cut], special, &b[cut + skip..]].concat()
}

/// The cases: (name, log).
pub fn cases() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for (k, (name, special)) in SPECIALS.iter().enumerate() {
        let mut rnd = Rnd(k as u64 + 1);
        let mut log = Vec::new();
        for i in 0..48 {
            let line = sshd_line(i, &mut rnd);
            if i % 3 == 0 {
                log.extend(put(&line, special, i / 3, &mut rnd));
            } else {
                log.extend(line.as_bytes());
            }
            log.push(b'\n');
        }
        out.push((format!("ctrl-{name}.log"), log));
    }
    let mut rnd = Rnd(8);
    let cr: String = (0..48).map(|i| sshd_line(i, &mut rnd) + "\r").collect();
    out.push(("cr-only.log".into(), cr.into_bytes()));
    let mut words = String::new();
    for i in 0..4 {
        words.push_str(&format!("Dec  6 06:00:0{i} host app[{}]:", 100 + i));
        for _ in 0..20_000 {
            words.push_str(&format!(" w{}", rnd.below(5000)));
        }
        words.push('\n');
    }
    out.push(("words-20000.log".into(), words.into_bytes()));
    let head = "Dec  6 06:00:00 host app[1]: ";
    let mut line = head.to_string();
    let mut n = 0;
    while line.len() < (1 << 20) - 32 {
        line.push_str(&format!("k{n}=v{n} "));
        n += 1;
    }
    line.push('\n');
    out.push(("line-1mb.log".into(), line.into_bytes()));
    let children: String = (0..100_000).map(|n| format!("<D{n}/>")).collect();
    out.push((
        "xml-100k.log".into(),
        format!(
            "<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\"><System><EventID>4624</EventID></System><EventData>{children}</EventData></Event>\n"
        )
        .into_bytes(),
    ));
    out.push((
        "json-deep.log".into(),
        format!("{}{}\n", "[".repeat(100_000), "]".repeat(100_000)).into_bytes(),
    ));
    let keys: Vec<String> = (0..10_000)
        .map(|n| format!("\"key{n}\":\"v{n}\""))
        .collect();
    out.push((
        "json-10k-keys.log".into(),
        format!("{{{}}}\n", keys.join(",")).into_bytes(),
    ));
    let mut cef = String::new();
    for i in 0..20 {
        let ext: Vec<String> = (0..1000).map(|n| format!("cs{n}=value{n}_{i}")).collect();
        cef.push_str(&format!(
            "CEF:0|Vendor|Product|1.0|{}|Event {}|5|{}\n",
            100 + i % 4,
            i % 4,
            ext.join(" ")
        ));
    }
    out.push(("cef-1000.log".into(), cef.into_bytes()));
    out
}
