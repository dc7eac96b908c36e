import CBLAS

/// Which OpenBLAS kernels this process runs, and which it should run.
///
/// Debian's OpenBLAS (0.3.21, `DYNAMIC_ARCH`) picks its kernels from the CPU model when the
/// library loads. On CPUs newer than its table it can fall back to its oldest x86-64 kernels:
/// on the 2-core Sapphire Rapids machines this project is measured on it reports `Prescott`
/// (SSE3), and `tensor.sgemm1024.blas_gflops` runs 10–13 GFLOP/s instead of 60–70 with the
/// AVX-512 kernels that `OPENBLAS_CORETYPE=SkylakeX` selects (Benchmarks/README.md). The
/// choice is made before `main`, so only a new process can change it: the `metasim` command
/// starts itself again with `OPENBLAS_CORETYPE` set (`suggestedCoreType`); library users set
/// the variable themselves.
public enum BLASCore {
    /// The kernel family OpenBLAS chose (`openblas_get_corename`), e.g. "Cooperlake", "Haswell",
    /// "Prescott".
    public static var name: String { String(cString: openblas_get_corename()) }

    /// Kernel families without AVX2: what `DYNAMIC_ARCH` falls back to on a CPU it does not know.
    static let legacyCores: Set<String> = ["prescott", "core2", "penryn", "dunnington", "nehalem", "atom", "sandybridge"]

    /// The `OPENBLAS_CORETYPE` to run with, or nil to keep OpenBLAS's own choice.
    ///
    /// - Parameters:
    ///   - current: the kernel family OpenBLAS chose (`name`).
    ///   - cpuFlags: the CPU's feature flags as Linux lists them (`/proc/cpuinfo`'s `flags`).
    /// - Returns: "SkylakeX" (AVX-512 F/BW/DQ/VL) or "Haswell" (AVX2 and FMA) when `current` is a legacy family and the CPU has those features; nil
    ///   when OpenBLAS already chose a family with AVX2 or the CPU lacks AVX2. (Debian's build
    ///   does not accept "Cooperlake" as a forced name; its SGEMM kernels are SkylakeX's.)
    public static func suggestedCoreType(current: String, cpuFlags: Set<String>) -> String? {
        guard legacyCores.contains(current.lowercased()) else { return nil }
        let avx512: Set<String> = ["avx512f", "avx512bw", "avx512dq", "avx512vl"]
        if avx512.isSubset(of: cpuFlags) { return "SkylakeX" }
        if cpuFlags.isSuperset(of: ["avx2", "fma"]) { return "Haswell" }
        return nil
    }

    /// The feature flags of the first processor in a `/proc/cpuinfo` text; empty when it has no
    /// `flags` line.
    public static func cpuFlags(cpuinfo: String) -> Set<String> {
        for line in cpuinfo.split(separator: "\n") where line.hasPrefix("flags") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
        }
        return []
    }
}
