#pragma once
// Batched quantum splittings on a GPU (docs/cuda-backend.md, "Device splittings"): the same
// splitting_of (splitting_core.hpp: grid-converged Numerov levels by Sturm bisection, Eqs. 9-15) run
// by one device thread per (double well, mass), with its grid workspace in global memory.
//
// The device path is a drop-in replacement for the OpenMP batch quantum::splittings(profiles,
// masses, options) of splitting.hpp: same arguments, same result layout (result[p][j] for profiles[p]
// at masses[j]), same per-profile error reporting (status profile_error, `profile` says why). The
// device code is compiled without FMA contraction, so the levels agree with the CPU's to rounding.
//
// Defined in src/kernels/cuda_splittings.cu when tlsx is built with CUDA, otherwise in
// src/host/quantum/device_splittings_cpu.cpp (which reports "not compiled with CUDA").
#include <string>
#include <vector>

#include "tlsx/quantum/splitting.hpp"

namespace tlsx::quantum {

// Whether device_splittings can run in this process: CUDA compiled in and a device present. When
// not, and `why` is given, it receives a one-line reason ("tlsx was built without CUDA support",
// "no NVIDIA driver installed ...").
bool device_splittings_available(std::string* why = nullptr);

// Splittings of many profiles at several masses on CUDA device 0. The double wells are prepared on
// the host, copied to the device once, and solved in chunks sized to the device's free memory; a
// (well, mass) whose grid outgrows the per-thread workspace is recomputed on the host, so results
// never depend on the device's memory. Throws tlsx::Error (one line) when no device is available or a
// CUDA call fails, and for a non-positive mass.
std::vector<std::vector<SplittingResult>> device_splittings(const std::vector<Profile>& profiles,
                                                            const std::vector<double>& masses,
                                                            const SplittingOptions& options = {});

// The batch on the device when one is available, else the OpenMP CPU batch (splitting.hpp).
inline std::vector<std::vector<SplittingResult>> batched_splittings(
    const std::vector<Profile>& profiles, const std::vector<double>& masses,
    const SplittingOptions& options = {}) {
  if (device_splittings_available()) return device_splittings(profiles, masses, options);
  return splittings(profiles, masses, options);
}

}  // namespace tlsx::quantum
