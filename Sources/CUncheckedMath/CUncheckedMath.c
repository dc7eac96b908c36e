// Everything is static inline in include/CUncheckedMath.h; SwiftPM needs one source file.
#include "CUncheckedMath.h"
