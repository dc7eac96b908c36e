import FuzzDriver

/// The `fuzz-idx` binary: libFuzzer's driver over `FuzzTarget.idx` (see Fuzz/README.md).
@main enum Fuzzer {
    static func main() { runLibFuzzer(.idx) }
}
