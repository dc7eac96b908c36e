#ifndef METASIM_UNCHECKED_MATH_H
#define METASIM_UNCHECKED_MATH_H

/// Conversions that Swift always checks (a float to an integer traps when the value is NaN,
/// infinite or out of range: about ten instructions per conversion), for hot loops whose callers
/// have already bounded the value. Static inline, so Swift inlines them: one cvttss2si.

/// `x` truncated toward zero. Precondition (not checked): `x` is finite and within the range of
/// `long` — the caller guarantees it (e.g. a texel coordinate already tested against the
/// sprite's size).
static inline long metasim_truncate_unchecked(float x) { return (long)x; }

/// Four floats and four 32-bit integers (Swift sees `SIMD4<Float>` and `SIMD4<Int32>`).
typedef float metasim_float4 __attribute__((ext_vector_type(4)));
typedef int metasim_int4 __attribute__((ext_vector_type(4)));

/// Each lane of `x` truncated toward zero (one cvttps2dq; Swift's lane-wise conversion checks
/// and converts lane by lane). Precondition (not checked): every lane finite and within the
/// range of `int`.
static inline metasim_int4 metasim_truncate4_unchecked(metasim_float4 x) { return __builtin_convertvector(x, metasim_int4); }

/// Each lane of `x` as a float (one cvtdq2ps), the value `Float(Int(lane))` gives.
static inline metasim_float4 metasim_float4_from_int4(metasim_int4 x) { return __builtin_convertvector(x, metasim_float4); }

#endif
