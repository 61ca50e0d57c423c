#ifndef ORMLAB_CLIBPQ_SHIM_H
#define ORMLAB_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
