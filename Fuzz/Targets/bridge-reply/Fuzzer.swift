import FuzzDriver

/// The `fuzz-bridge-reply` binary: libFuzzer's driver over `FuzzTarget.bridgeReply` (see Fuzz/README.md).
@main enum Fuzzer {
    static func main() { runLibFuzzer(.bridgeReply) }
}
