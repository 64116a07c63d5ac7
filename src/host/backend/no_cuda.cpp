// CUDA runtime queries when tlsx is built without CUDA (the real ones are in src/kernels).
#ifndef TLSX_HAVE_CUDA
#include "tlsx/backend/backend.hpp"

namespace tlsx {
bool cuda_compiled_in() { return false; }
int cuda_device_count() { return 0; }
std::string cuda_device_name(int) { return "CUDA support not compiled in"; }
}  // namespace tlsx
#endif
