#ifndef SAFEMCP_CBLAS_SHIM_H
#define SAFEMCP_CBLAS_SHIM_H
#include <cblas.h>
#endif
