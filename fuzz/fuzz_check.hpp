#pragma once
// FUZZ_CHECK: an assertion that stays on in every build type (assert() is compiled out under NDEBUG,
// and the replay build is RelWithDebInfo). A violated property aborts, which libFuzzer and ctest both
// report as a failure, with the input that caused it.
#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition)                                                                      \
  do {                                                                                             \
    if (!(condition)) {                                                                            \
      std::fprintf(stderr, "%s:%d: FUZZ_CHECK failed: %s\n", __FILE__, __LINE__, #condition);      \
      std::abort();                                                                                \
    }                                                                                              \
  } while (0)

// The fuzz entry point every target defines (libFuzzer's signature).
#include <cstddef>
#include <cstdint>
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
