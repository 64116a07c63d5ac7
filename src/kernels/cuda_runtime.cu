// CUDA runtime queries behind describe_backends(), `tlsx --version` and make_backend("auto"):
// which devices exist and, when none does, why. A process on a machine without a driver (CI, a
// laptop) must get a clean answer here, never a crash: the first cudaGetDeviceCount's error is
// remembered as the reason and every later query returns 0 devices.
#include <cuda_runtime.h>
#include <dlfcn.h>

#include <cstdio>
#include <string>

#include "tlsx/backend/backend.hpp"

namespace tlsx {

namespace {

struct DeviceProbe {
  int count = 0;
  std::string reason;  // why count == 0 (one line)
};

// cudaErrorInsufficientDriver also means "no driver at all": say which, since that is what a user
// reading `tlsx --version` on a CPU node needs to know.
std::string driver_reason(cudaError_t e) {
  std::string what = std::string(cudaGetErrorName(e)) + ": " + cudaGetErrorString(e);
  if (e == cudaErrorInsufficientDriver) {
    void* lib = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL);
    if (!lib) return "no NVIDIA driver installed (libcuda.so.1 not found)";
    dlclose(lib);
  }
  return what;
}

const DeviceProbe& probe() {
  static const DeviceProbe p = [] {
    DeviceProbe d;
    int n = 0;
    const cudaError_t e = cudaGetDeviceCount(&n);
    if (e != cudaSuccess) {
      cudaGetLastError();  // clear the error so that it does not surface in a later call
      d.reason = driver_reason(e);
      return d;
    }
    d.count = n;
    if (n == 0) d.reason = "the CUDA driver reports 0 devices";
    return d;
  }();
  return p;
}

}  // namespace

bool cuda_compiled_in() { return true; }

int cuda_device_count() { return probe().count; }

std::string cuda_device_name(int device) {
  const DeviceProbe& p = probe();
  if (device < 0) return p.count > 0 ? std::to_string(p.count) + " CUDA device(s) present" : p.reason;
  if (device >= p.count)
    return "no CUDA device " + std::to_string(device) + " (" + std::to_string(p.count) + " present)";
  cudaDeviceProp prop;
  const cudaError_t e = cudaGetDeviceProperties(&prop, device);
  if (e != cudaSuccess) {
    cudaGetLastError();
    return std::string("device ") + std::to_string(device) + ": " + cudaGetErrorString(e);
  }
  char buf[320];
  std::snprintf(buf, sizeof buf, "%s (sm_%d%d, %d SMs, %.1f GiB)", prop.name, prop.major, prop.minor,
                prop.multiProcessorCount, prop.totalGlobalMem / 1073741824.0);
  return buf;
}

}  // namespace tlsx
