#ifndef LODESTAR_COPENBLAS_SHIM_H
#define LODESTAR_COPENBLAS_SHIM_H
// The only place Lodestar sees BLAS symbols. Debian's libopenblas-dev provides cblas.h under the
// openblas-pthread include directory reported by pkg-config.
#include <cblas.h>
#endif
