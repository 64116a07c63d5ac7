#pragma once
// Every CUDA runtime call of the backend goes through check(): a failure becomes a one-line
// tlsx::Error naming what was being done, e.g.
//   "CUDA: launching the MD kernel: cudaErrorLaunchOutOfResources (too many resources requested for launch)".
// Errors after a kernel fault (illegal address, ...) are sticky: the backend object is then unusable
// and the process should exit, which is what the CLI does with any tlsx::Error.
#include <cuda_runtime.h>

#include <string>

#include "tlsx/core/error.hpp"

namespace tlsx::cuda {

inline std::string error_text(cudaError_t e) {
  return std::string(cudaGetErrorName(e)) + " (" + cudaGetErrorString(e) + ")";
}

inline void check(cudaError_t e, const std::string& what) {
  if (e == cudaSuccess) return;
  cudaGetLastError();  // clear a non-sticky error so that the next call starts clean
  throw Error("CUDA: " + what + ": " + error_text(e));
}

// After a kernel launch: launch errors now, execution errors at the synchronisation.
inline void check_kernel(const std::string& what) {
  check(cudaGetLastError(), "launching " + what);
  check(cudaDeviceSynchronize(), "running " + what);
}

}  // namespace tlsx::cuda
