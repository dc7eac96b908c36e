/// Keeps large freed buffers (tensors, rendered images and masks) in the process heap instead of
/// returning them to the system at once. glibc serves blocks above 128 KiB with fresh mmap pages
/// by default and trims the heap's free top, so every new large tensor or image paid page faults
/// and kernel zeroing (10–25 % of a 1024² matmul; a fifth of the CPU time of a 256×256 render
/// batch, whose threads also wait on each other's faults). Raising the mmap threshold to glibc's
/// maximum (32 MiB) and the trim threshold lets the heap reuse them. Process-wide and applied
/// once, the first time the tensor engine allocates or a renderer draws (`_ = MemoryTuning.applied`);
/// Linux/glibc only.
public enum MemoryTuning {
    public static let applied: Bool = {
        #if os(Linux)
        let trimThreshold: Int32 = -1, mmapThreshold: Int32 = -3   // <malloc.h> M_TRIM_THRESHOLD, M_MMAP_THRESHOLD
        _ = glibcMallopt(mmapThreshold, 32 << 20)
        _ = glibcMallopt(trimThreshold, 512 << 20)
        #endif
        return true
    }()
}

#if os(Linux)
/// glibc's `int mallopt(int param, int value)` (not exported by the Glibc module).
@_silgen_name("mallopt")
func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif
