import FuzzDriver

/// The `fuzz-grammar` binary: libFuzzer's driver over `FuzzTarget.grammar` (see Fuzz/README.md).
@main enum Fuzzer {
    static func main() { runLibFuzzer(.grammar) }
}
