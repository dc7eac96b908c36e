import FuzzDriver

/// The `fuzz-jpeg` binary: libFuzzer's driver over `FuzzTarget.jpeg` (see Fuzz/README.md).
@main enum Fuzzer {
    static func main() { runLibFuzzer(.jpeg) }
}
