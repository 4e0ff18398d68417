// libFuzzer's entry for programs with their own main; defined by the runtime that
// -sanitize=fuzzer links (compiler-rt's FuzzerDriver.cpp), so only fuzz builds resolve it.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
