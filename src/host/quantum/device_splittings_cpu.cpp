// The device splittings when tlsx is built without CUDA: never available (the real ones are in
// src/kernels/cuda_splittings.cu; CMake defines TLSX_HAVE_CUDA for this library when it builds them).
#ifndef TLSX_HAVE_CUDA
#include "tlsx/core/error.hpp"
#include "tlsx/quantum/device_splittings.hpp"

namespace tlsx::quantum {

namespace {
const char* const kNotCompiled = "tlsx was built without CUDA support (nvcc not found at build time)";
}

bool device_splittings_available(std::string* why) {
  if (why) *why = kNotCompiled;
  return false;
}

std::vector<std::vector<SplittingResult>> device_splittings(const std::vector<Profile>&,
                                                            const std::vector<double>&,
                                                            const SplittingOptions&) {
  throw Error(std::string("device splittings: ") + kNotCompiled);
}

}  // namespace tlsx::quantum
#endif
