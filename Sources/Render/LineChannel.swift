import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Blocking line I/O on a pair of pipe file descriptors with deadlines, for talking to a child
/// process. Never raises SIGPIPE (it is ignored process-wide once a channel exists).
struct LineChannel {
    let input: Int32   // we read the child's stdout here
    let output: Int32  // we write the child's stdin here
    private var buffer: [UInt8] = []

    init(readFrom input: Int32, writeTo output: Int32) {
        signal(SIGPIPE, SIG_IGN)
        self.input = input
        self.output = output
    }

    enum Failure: Error { case closed, timedOut, io(Int32) }

    /// Writes all of `bytes`; throws `.closed` when the reader is gone.
    func write(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBufferPointer { Glibc.write(output, $0.baseAddress! + offset, bytes.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw errno == EPIPE ? Failure.closed : Failure.io(errno)
            }
            offset += n
        }
    }

    /// The next line (without its newline), waiting until `deadline` (seconds since the reference
    /// date of `Date`). Throws `.closed` at end of file, `.timedOut` past the deadline.
    /// Lines longer than `maxBytes` are an error (`.io(EMSGSIZE)`).
    mutating func readLine(deadline: Date, maxBytes: Int = 1 << 30) throws -> String {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var scanFrom = 0
        while true {
            if let nl = buffer[scanFrom...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[..<nl], as: UTF8.self)
                buffer.removeSubrange(...nl)
                return line
            }
            scanFrom = buffer.count
            if buffer.count > maxBytes { throw Failure.io(EMSGSIZE) }
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 { throw Failure.timedOut }
            var fds = pollfd(fd: input, events: Int16(POLLIN), revents: 0)
            let ready = poll(&fds, 1, Int32(min(remaining * 1000, 1_000_000_000).rounded(.up)))
            if ready < 0 {
                if errno == EINTR { continue }
                throw Failure.io(errno)
            }
            if ready == 0 { continue }  // re-check the deadline
            let n = chunk.withUnsafeMutableBufferPointer { Glibc.read(input, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw Failure.io(errno)
            }
            if n == 0 { throw Failure.closed }
            buffer.append(contentsOf: chunk[..<n])
        }
    }
}
