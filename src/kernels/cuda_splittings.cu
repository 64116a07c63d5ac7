// Batched quantum splittings on the GPU (include/tlsx/quantum/device_splittings.hpp): one thread per
// (double well, mass) runs splitting_of (splitting_core.hpp, Eqs. 9-15) -- the same TLSX_HD code as
// the OpenMP batch -- on its own slice of a global-memory grid workspace.
//
// Each (well, mass) is a serial chain of Sturm bisections on the Numerov tridiagonal (numerov_sturm.hpp)
// over grids of a few hundred to a few ten thousand points, so a thread each is the natural grain;
// thousands of them run at once. This file is compiled with -fmad=false (CMakeLists.txt): without FMA
// contraction the grid arithmetic is the host's, bit for bit, so the grid-refinement decisions, and
// hence the levels, agree with the CPU's.
//
// Memory: the prepared wells (spline knots and cubics) are copied once; the workspace is `capacity`
// doubles per thread and the tasks are launched in chunks that fit in the device's free memory. A
// task whose grid outgrows `capacity` (GridStatus::too_many_points while capacity < max_points) is
// recomputed on the host with the full max_points, so results never depend on the device's memory.
#include <cuda_runtime.h>

#include <algorithm>
#include <climits>
#include <cstddef>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "cuda_check.cuh"
#include "cuda_device_array.cuh"
#include "tlsx/backend/backend.hpp"
#include "tlsx/core/error.hpp"
#include "tlsx/quantum/device_splittings.hpp"

namespace tlsx::quantum {

namespace {

using cuda::check;
using cuda::DeviceArray;

// Per-thread workspace: 2^17 doubles (1 MiB) holds the finest grids the splittings of the paper's
// double wells need (a few 10^4 points); larger grids fall back to the host (see above). The
// environment variable TLSX_CUDA_SPLITTING_CAPACITY (doubles) overrides it, for tuning and tests.
constexpr int kDeviceCapacity = 1 << 17;
constexpr int kThreadsPerBlock = 128;
// Fraction of the free device memory the workspace may take (the rest: wells, results, the runtime).
constexpr double kMemoryFraction = 0.8;

// splittings[i] = splitting_of(well w, mass j) for task first + i = w * n_masses + j.
__global__ void splittings_kernel(const DoubleWell* wells, const double* masses, int n_masses,
                                  SplittingOptions options, long first, int count, double* work,
                                  int capacity, SplittingResult* out) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= count) return;
  const long task = first + i;
  const int w = static_cast<int>(task / n_masses);
  const int j = static_cast<int>(task % n_masses);
  out[i] = splitting_of(wells[w], masses[j], options, work + static_cast<std::size_t>(i) * capacity,
                        capacity);
}

int workspace_capacity(int max_points) {
  int capacity = kDeviceCapacity;
  if (const char* text = std::getenv("TLSX_CUDA_SPLITTING_CAPACITY"); text && *text) {
    char* end = nullptr;
    const long v = std::strtol(text, &end, 10);
    if (*end != '\0' || v < 16 || v > INT_MAX)
      throw Error(std::string("TLSX_CUDA_SPLITTING_CAPACITY: expected a number of doubles >= 16, got '") + text + "'");
    capacity = static_cast<int>(v);
  }
  return std::min(max_points, capacity);
}

template <class T>
void to_device(DeviceArray<T>& d, const std::vector<T>& h, const char* what) {
  d.allocate(h.size(), what);
  if (!h.empty())
    check(cudaMemcpy(d.data(), h.data(), h.size() * sizeof(T), cudaMemcpyHostToDevice),
          std::string("copying ") + what + " to the device");
}

// The prepared wells' splines in device memory, and DoubleWell views onto them.
struct DeviceWells {
  DeviceArray<double> knots;
  DeviceArray<Cubic> cubics;
  DeviceArray<DoubleWell> wells;

  explicit DeviceWells(const std::vector<const DoubleWell*>& host) {
    std::vector<double> x;
    std::vector<Cubic> seg;
    for (const DoubleWell* dw : host) {
      x.insert(x.end(), dw->inner.x, dw->inner.x + dw->inner.n + 1);
      seg.insert(seg.end(), dw->inner.seg, dw->inner.seg + dw->inner.n);
    }
    to_device(knots, x, "the double wells' knots");
    to_device(cubics, seg, "the double wells' cubics");
    std::vector<DoubleWell> views;
    std::size_t x_off = 0, seg_off = 0;
    for (const DoubleWell* dw : host) {
      DoubleWell v = *dw;  // scalars as prepared; the spline re-pointed at the device copy
      v.inner.x = knots.data() + x_off;
      v.inner.seg = cubics.data() + seg_off;
      x_off += dw->inner.n + 1;
      seg_off += dw->inner.n;
      views.push_back(v);
    }
    to_device(wells, views, "the double wells");
  }
};

}  // namespace

bool device_splittings_available(std::string* why) {
  if (cuda_device_count() > 0) return true;
  if (why) *why = cuda_device_name(-1);
  return false;
}

std::vector<std::vector<SplittingResult>> device_splittings(const std::vector<Profile>& profiles,
                                                            const std::vector<double>& masses,
                                                            const SplittingOptions& options) {
  check_masses(masses);
  std::string why;
  if (!device_splittings_available(&why)) throw Error("device splittings: no CUDA device (" + why + ")");
  check(cudaSetDevice(0), "selecting device 0 for the splittings");

  // Wells prepared on the host; the bad ones are reported without reaching the device.
  std::vector<PreparedDoubleWell> prepared;
  prepared.reserve(profiles.size());
  for (const Profile& p : profiles) prepared.push_back(PreparedDoubleWell::build(p));
  std::vector<std::vector<SplittingResult>> out(profiles.size());
  std::vector<int> solved;  // profile index of each well sent to the device
  std::vector<const DoubleWell*> host_wells;
  for (std::size_t p = 0; p < profiles.size(); ++p) {
    if (prepared[p].ok()) {
      solved.push_back(static_cast<int>(p));
      host_wells.push_back(&prepared[p].well());
      out[p].resize(masses.size());
    } else {
      for (double m : masses) out[p].push_back(profile_error_result(prepared[p].status(), m));
    }
  }
  const int n_masses = static_cast<int>(masses.size());
  const long n_tasks = static_cast<long>(solved.size()) * n_masses;
  if (n_tasks == 0) return out;

  DeviceWells wells(host_wells);
  DeviceArray<double> d_masses;
  to_device(d_masses, masses, "the masses");

  // Chunk size from the free memory: workspace plus one result per thread.
  const int capacity = workspace_capacity(options.grid.max_points);
  std::size_t free_bytes = 0, total_bytes = 0;
  check(cudaMemGetInfo(&free_bytes, &total_bytes), "querying free device memory");
  const std::size_t per_task = static_cast<std::size_t>(capacity) * sizeof(double) + sizeof(SplittingResult);
  const long fit = static_cast<long>(kMemoryFraction * static_cast<double>(free_bytes) / per_task);
  if (fit < 1)
    throw Error("device splittings: " + std::to_string(free_bytes >> 20) +
                " MiB free on the device, too little for one splitting's workspace");
  const long chunk = std::min({n_tasks, fit, static_cast<long>(1) << 24});
  DeviceArray<double> work;
  work.allocate(static_cast<std::size_t>(chunk) * capacity, "the splittings' grid workspace");
  DeviceArray<SplittingResult> d_results;
  d_results.allocate(static_cast<std::size_t>(chunk), "the splitting results");
  std::vector<SplittingResult> results(static_cast<std::size_t>(chunk));

  std::vector<int> outgrown;  // profiles with a task to recompute on the host with the full max_points
  for (long first = 0; first < n_tasks; first += chunk) {
    const int count = static_cast<int>(std::min(chunk, n_tasks - first));
    const int blocks = (count + kThreadsPerBlock - 1) / kThreadsPerBlock;
    splittings_kernel<<<blocks, kThreadsPerBlock>>>(wells.wells.data(), d_masses.data(), n_masses, options,
                                                    first, count, work.data(), capacity, d_results.data());
    cuda::check_kernel("the splittings kernel");
    check(cudaMemcpy(results.data(), d_results.data(), count * sizeof(SplittingResult), cudaMemcpyDeviceToHost),
          "copying the splitting results to the host");
    for (int i = 0; i < count; ++i) {
      const long task = first + i;
      const SplittingResult& r = results[i];
      out[solved[task / n_masses]][task % n_masses] = r;
      const int p = solved[task / n_masses];
      if (r.grid == GridStatus::too_many_points && capacity < options.grid.max_points &&
          (outgrown.empty() || outgrown.back() != p))
        outgrown.push_back(p);
    }
  }

  // Rare: grids beyond the device workspace. Those profiles go through the OpenMP batch, whole.
  if (!outgrown.empty()) {
    std::vector<Profile> again;
    for (int p : outgrown) again.push_back(profiles[p]);
    std::vector<std::vector<SplittingResult>> host = splittings(again, masses, options);
    for (std::size_t k = 0; k < outgrown.size(); ++k) out[outgrown[k]] = std::move(host[k]);
  }
  return out;
}

}  // namespace tlsx::quantum
