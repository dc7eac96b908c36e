import FuzzDriver

/// The `fuzz-safetensors` binary: libFuzzer's driver over `FuzzTarget.safetensors` (see Fuzz/README.md).
@main enum Fuzzer {
    static func main() { runLibFuzzer(.safetensors) }
}
