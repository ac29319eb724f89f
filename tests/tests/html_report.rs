//! The HTML evaluation report opens in a real headless browser (Debian chromium): the rendered
//! DOM has the tables and plots, and a screenshot shows them (the plots' bar colours are on it).

use std::process::Command;

use normforge_tests::{chromium, workspace_root, CHROMIUM_FLAGS};

/// The colours of the first two plot series (`review::html`).
const BAR_BLUE: [u8; 3] = [0x3b, 0x6f, 0xb6];
const BAR_ORANGE: [u8; 3] = [0xe0, 0x80, 0x3a];

#[test]
fn eval_report_renders_tables_and_plots_in_chromium() {
    let Some(browser) = chromium("HTML report in chromium") else {
        return;
    };
    // The project's own knowledge base, evaluated as the expert KB.
    let kb = workspace_root().join("knowledge-base");
    let report = evaluation::kb::evaluate(&kb, None, 2024).unwrap();
    let page = evaluation::page::kb_page(&report, "knowledge-base");
    let html = review::html::render(&page).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.html");
    std::fs::write(&file, &html).unwrap();
    let url = format!("file://{}", file.display());
    let profile = dir.path().join("profile");
    let run = |extra: &[String]| {
        let o = Command::new(&browser)
            .args(CHROMIUM_FLAGS)
            .arg(format!("--user-data-dir={}", profile.display()))
            .args(extra)
            .arg(&url)
            .output()
            .expect("chromium runs");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        o
    };
    // The DOM as the browser built it.
    let dom = String::from_utf8(run(&["--dump-dom".into()]).stdout).unwrap();
    assert!(dom.matches("<table").count() >= 4, "tables in the DOM");
    assert!(dom.matches("<svg").count() >= 2, "plots in the DOM");
    assert!(dom.contains("Cluster size distribution") && dom.contains("validates"));
    // A screenshot, kept next to the test binaries for people to look at.
    let shot = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("html-report-screenshot.png");
    let _ = std::fs::remove_file(&shot);
    run(&[
        format!("--screenshot={}", shot.display()),
        "--window-size=1200,1400".into(),
    ]);
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&shot).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let pixels: Vec<&[u8]> = buf[..info.buffer_size()].chunks(channels).collect();
    let count = |c: [u8; 3]| {
        pixels
            .iter()
            .filter(|p| p[..3].iter().zip(c).all(|(a, b)| a.abs_diff(b) <= 8))
            .count()
    };
    let (blue, orange) = (count(BAR_BLUE), count(BAR_ORANGE));
    assert!(
        blue > 500 && orange > 500,
        "bars on the screenshot: blue {blue}, orange {orange}"
    );
    let dark = pixels
        .iter()
        .filter(|p| p[..3].iter().all(|v| *v < 80))
        .count();
    assert!(dark > 2000, "text on the screenshot: {dark} dark pixels");
}
