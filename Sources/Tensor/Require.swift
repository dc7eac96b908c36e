/// Checks a programmer-error condition (shape mismatch, axis out of range) in every build.
///
/// Release builds of this module use -Ounchecked, which removes `precondition`; `fatalError`
/// stays, so a wrong shape stops with the op's message instead of reading out of bounds.
@inline(__always)
public func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
                    file: StaticString = #file, line: UInt = #line) {
    if !condition() { fatalError(message(), file: file, line: line) }
}
