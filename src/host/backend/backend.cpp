#include "tlsx/backend/backend.hpp"

#include <cstdio>

#include "tlsx/backend/cpu_backend.hpp"
#include "tlsx/core/error.hpp"

namespace tlsx {

#ifdef TLSX_HAVE_CUDA
std::unique_ptr<Backend> make_cuda_backend(int device);  // src/kernels/cuda_backend.cu
#endif

std::unique_ptr<Backend> make_backend(const std::string& choice, int threads) {
  if (choice == "cpu") return std::make_unique<CpuBackend>(threads);
  if (choice == "cuda" || choice == "auto") {
    const bool compiled = cuda_compiled_in();
#ifdef TLSX_HAVE_CUDA
    if (compiled && cuda_device_count() > 0) return make_cuda_backend(0);
#endif
    if (choice == "cuda") {
      if (!compiled) throw Error("--backend cuda: this tlsx was built without CUDA support (nvcc not found at build time)");
      throw Error("--backend cuda: no CUDA device or driver found (" + cuda_device_name(-1) + ")");
    }
    const std::string why = compiled ? cuda_device_name(-1) : "this tlsx was built without CUDA support";
    std::fprintf(stderr, "tlsx: --backend auto: no CUDA device (%s); using the CPU backend\n", why.c_str());
    return std::make_unique<CpuBackend>(threads);
  }
  throw Error("--backend: expected auto, cpu or cuda, got '" + choice + "'");
}

std::string describe_backends() {
  if (!cuda_compiled_in()) return "CUDA support: not compiled in";
  const int n = cuda_device_count();
  if (n <= 0) return "CUDA support: compiled in, no device (" + cuda_device_name(-1) + ")";
  return "CUDA support: compiled in, device 0: " + cuda_device_name(0);
}

}  // namespace tlsx
