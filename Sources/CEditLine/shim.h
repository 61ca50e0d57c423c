#ifndef ORMLAB_CEDITLINE_SHIM_H
#define ORMLAB_CEDITLINE_SHIM_H
#include <stdio.h>
#include <histedit.h>

// el_set, el_get and history are variadic: Swift cannot call them directly, so each use gets a
// typed wrapper here. (Filled in by the REPL layer.)
#endif
