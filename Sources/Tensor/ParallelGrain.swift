import Parallel

/// Elements per range below which elementwise kernels do not split work over threads (a range
/// of 16,384 floats takes a few microseconds, about what dispatching it costs).
let elementwiseGrain = 16_384
