/* libFuzzer target: the ELF read-only-data scan (diag/parse/elfstrings.c). */
#include <stdint.h>

#include "diag/parse/elfstrings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct qt_elfinfo e;
    (void)qt_elf_scan_mem(data, size, &e);
    return 0;
}
