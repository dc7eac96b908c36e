import Foundation
import FuzzEntries

/// libFuzzer's entry point for the `idx` target (libFuzzer supplies `main`; see Fuzz/README.md).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = start.map { Data(bytes: $0, count: count) } ?? Data()
    FuzzTarget.idx.run(data)
    return 0
}
