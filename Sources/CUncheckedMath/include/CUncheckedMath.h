#ifndef METASIM_UNCHECKED_MATH_H
#define METASIM_UNCHECKED_MATH_H

/// Conversions that Swift always checks (a float to an integer traps when the value is NaN,
/// infinite or out of range: about ten instructions per conversion), for hot loops whose callers
/// have already bounded the value. Static inline, so Swift inlines them: one cvttss2si.

/// `x` truncated toward zero. Precondition (not checked): `x` is finite and within the range of
/// `long` — the caller guarantees it (e.g. a texel coordinate already tested against the
/// sprite's size).
static inline long metasim_truncate_unchecked(float x) { return (long)x; }

#endif
