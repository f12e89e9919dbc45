fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        println!("gatehouse bench: run it with `make bench`; nothing to do under cargo test");
    }
}
