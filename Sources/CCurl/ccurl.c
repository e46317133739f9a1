// The C target needs one source file; all of the shim is in include/CCurl.h.
#include "CCurl.h"
