//! Development aid: reads a log and prints counts and the time taken.
#![allow(clippy::print_stdout)]
fn main() {
    let path = std::env::args().nth(1).expect("a log file");
    let f =
        std::io::BufReader::with_capacity(1 << 16, std::fs::File::open(&path).expect("readable"));
    let t = std::time::Instant::now();
    let (mut ev, mut rej) = (0usize, 0usize);
    for i in ingest::Reader::new(f, Default::default()) {
        match i.expect("io") {
            ingest::Item::Event(_) => ev += 1,
            ingest::Item::Rejected(_) => rej += 1,
        }
    }
    println!("{ev} events, {rej} rejected in {:.2?}", t.elapsed());
}
