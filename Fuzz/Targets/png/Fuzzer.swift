import FuzzDriver

/// The `fuzz-png` binary: libFuzzer's driver over `FuzzTarget.png` (see Fuzz/README.md).
@main enum Fuzzer {
    static func main() { runLibFuzzer(.png) }
}
