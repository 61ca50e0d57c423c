// libFuzzer's driver entry point (compiler-rt, linked in by -sanitize=fuzzer). The fuzz targets
// call it from their own `main`, because SwiftPM links an executable's entry point under the
// name `<Target>_main`, which would otherwise hide libFuzzer's `main`.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv,
                        int (*callback)(const uint8_t *data, size_t size));
