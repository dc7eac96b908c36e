import Foundation
import Tensor

/// Starts `metasim` again with `OPENBLAS_CORETYPE` set when OpenBLAS chose kernels older than
/// the CPU it runs on (`BLASCore.suggestedCoreType`: on this project's Sapphire Rapids machines
/// Debian's OpenBLAS picks SSE3 kernels, 5–6× slower GEMM). OpenBLAS chooses when it loads, before
/// `main`, so a new image of the same process is the only way to change it. Does nothing when
/// the variable is set (by the user, or by this restart: it never loops), when /proc/cpuinfo
/// cannot be read, or when the exec fails (the run goes on with the kernels it has).
enum BLASKernelRestart {
    static func restartIfNeeded() {
        guard ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil,
              let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let core = BLASCore.suggestedCoreType(current: BLASCore.name, cpuFlags: BLASCore.cpuFlags(cpuinfo: cpuinfo))
        else { return }
        setenv("OPENBLAS_CORETYPE", core, 1)
        var argv: [UnsafeMutablePointer<CChar>?] = CommandLine.arguments.map { strdup($0) } + [nil]
        execv("/proc/self/exe", &argv)
        unsetenv("OPENBLAS_CORETYPE")   // exec failed: child processes keep OpenBLAS's own choice too
    }
}
