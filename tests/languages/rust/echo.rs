use std::io::{self, Read, Write};

fn main() {
    for a in std::env::args().skip(1) {
        println!("{}", a);
    }
    let mut input = String::new();
    io::stdin().read_to_string(&mut input).unwrap();
    io::stdout().write_all(input.as_bytes()).unwrap();
}
