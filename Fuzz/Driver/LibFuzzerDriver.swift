import Foundation
import FuzzEntries

/// libFuzzer's documented entry for programs that have their own `main` (SwiftPM executables
/// always do): parses libFuzzer's command line and fuzzes `callback`. Defined by the fuzzer
/// runtime that `-sanitize=fuzzer` links; only the fuzz binaries call it.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

/// The target the running fuzz binary feeds (set once by `runLibFuzzer` before fuzzing starts).
nonisolated(unsafe) private var currentTarget = FuzzTarget.grammar

/// Hands the process to libFuzzer, feeding each input to `target`; exits with libFuzzer's status.
public func runLibFuzzer(_ target: FuzzTarget) -> Never {
    currentTarget = target
    var argc = CommandLine.argc
    var argv = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOneInput))
}

/// Feeds one input to the current target. Also exported under libFuzzer's usual name, for a
/// runtime whose own `main` ends up linked instead of ours.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    currentTarget.run(start.map { Data(bytes: $0, count: count) } ?? Data())
    return 0
}
