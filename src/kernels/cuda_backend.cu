// The CUDA executor (docs/cuda-backend.md): the Backend interface over the kernels of
// cuda_kernels.cuh, one block per replica. Each call copies the batch in, runs one launch over every
// replica (a whole MD run or minimisation per launch) and copies it back; replicas whose neighbour
// list overflowed are rerun with a larger capacity, exactly as the CPU backend does. A batch larger
// than the device's free memory runs in chunks. Neighbour lists stay on the device: a slot's list
// serves forces_reusing_lists again while it holds the same replica under the same ListEpochs value.
#include <cuda_runtime.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "cuda_check.cuh"
#include "cuda_device_batch.cuh"
#include "cuda_kernels.cuh"
#include "tlsx/backend/backend.hpp"

namespace tlsx {

namespace cuda {

namespace {

#define TLSX_STRINGIFY2(x) #x
#define TLSX_STRINGIFY(x) TLSX_STRINGIFY2(x)
#ifdef __CUDA_ARCH_LIST__
constexpr const char* kCompiledArchitectures = TLSX_STRINGIFY(__CUDA_ARCH_LIST__);
#else
constexpr const char* kCompiledArchitectures = "unknown";
#endif

constexpr std::size_t kMiB = std::size_t(1) << 20;

// A benchmark knob from the environment (docs/cuda-backend.md): an integer or the default.
int env_int(const char* name, int fallback) {
  const char* text = std::getenv(name);
  if (!text || !*text) return fallback;
  char* end = nullptr;
  const long v = std::strtol(text, &end, 10);
  if (*end != '\0' || v < INT_MIN || v > INT_MAX)
    throw Error(std::string(name) + ": expected an integer, got '" + text + "'");
  return static_cast<int>(v);
}

// Calls f(first_replica, first_slot, length) for each run of consecutive replica ids, so that a
// whole batch moves in one copy per array.
template <class F>
void for_runs(const std::vector<int>& ids, F&& f) {
  std::size_t k = 0;
  while (k < ids.size()) {
    std::size_t end = k + 1;
    while (end < ids.size() && ids[end] == ids[end - 1] + 1) ++end;
    f(ids[k], static_cast<int>(k), static_cast<int>(end - k));
    k = end;
  }
}

template <class T>
void to_device(T* dst, const T* src, std::size_t count, const char* what) {
  check(cudaMemcpy(dst, src, count * sizeof(T), cudaMemcpyHostToDevice), std::string("copying ") + what + " to the device");
}
template <class T>
void to_host(T* dst, const T* src, std::size_t count, const char* what) {
  check(cudaMemcpy(dst, src, count * sizeof(T), cudaMemcpyDeviceToHost), std::string("copying ") + what + " from the device");
}

class CudaBackend final : public Backend {
 public:
  explicit CudaBackend(int device);
  std::string name() const override { return "cuda"; }
  std::string device() const override { return description_; }
  std::vector<ForceResult> forces(ReplicaBatch& batch, const PairTable& table) override {
    return forces_with(batch, table, false);
  }
  std::vector<ForceResult> forces_reusing_lists(ReplicaBatch& batch, const PairTable& table) override {
    return forces_with(batch, table, true);
  }
  void run_md(ReplicaBatch& batch, std::vector<MdReplicaState>& states, const PairTable& table,
              const MdParams& params, std::int64_t steps) override;
  std::vector<MinimizeResult> minimize(ReplicaBatch& batch, const PairTable& table,
                                       const MinimizeParams& params) override;

 private:
  struct LaunchShape {
    int block = 0;
    bool stage = false;       // positions in dynamic shared memory
    std::size_t shared = 0;   // dynamic shared-memory bytes
  };

  std::vector<ForceResult> forces_with(ReplicaBatch& batch, const PairTable& table, bool reuse_lists);
  LaunchShape launch_shape(const void* kernel, const char* what, int n) const;
  int prepare(ReplicaBatch& batch, std::size_t wanted);
  void copy_in(ReplicaBatch& batch, const std::vector<int>& ids);
  void copy_out(ReplicaBatch& batch, const std::vector<int>& ids, bool moved);
  SlotArrays arrays(const ReplicaBatch& batch) const {
    return memory_.arrays(batch.box(), batch.list_cutoff(), batch.skin());
  }
  template <class Run, class Overflowed>
  void for_replicas_growing_lists(ReplicaBatch& batch, bool moved, Run&& run, Overflowed&& overflowed);

  int device_ = 0;
  int block_ = 128;
  bool stage_positions_ = true;
  int max_slots_ = 0;  // replicas on the device at once; 0: as many as fit (TLSX_CUDA_MAX_SLOTS)
  cudaDeviceProp prop_{};
  std::string description_;
  DeviceBatch memory_;
  bool chunk_notice_given_ = false;
};

CudaBackend::CudaBackend(int device) : device_(device) {
  if (device < 0 || device >= cuda_device_count())
    throw Error("--backend cuda: no CUDA device " + std::to_string(device) + " (" + cuda_device_name(-1) + ")");
  check(cudaSetDevice(device), "selecting device " + std::to_string(device));
  check(cudaGetDeviceProperties(&prop_, device), "reading the properties of device " + std::to_string(device));
  block_ = env_int("TLSX_CUDA_BLOCK", 128);
  if (block_ < kWarpSize || block_ > kWarpSize * kMaxWarps || block_ % kWarpSize != 0)
    throw Error("TLSX_CUDA_BLOCK: expected a multiple of 32 between 32 and 1024, got " + std::to_string(block_));
  stage_positions_ = env_int("TLSX_CUDA_SHARED_POSITIONS", 1) != 0;
  max_slots_ = env_int("TLSX_CUDA_MAX_SLOTS", 0);
  if (max_slots_ < 0) throw Error("TLSX_CUDA_MAX_SLOTS: expected 0 (no limit) or a positive number of replicas");
  // A GPU this binary carries no code for fails here with a message, not at the first launch.
  cudaFuncAttributes attr;
  const cudaError_t e = cudaFuncGetAttributes(&attr, reinterpret_cast<const void*>(&forces_kernel));
  if (e != cudaSuccess) {
    cudaGetLastError();
    throw Error("--backend cuda: device " + std::to_string(device) + " (" + cuda_device_name(device) +
                ") cannot run this build's GPU code (" + error_text(e) + "); it was compiled for " +
                kCompiledArchitectures + ": rebuild with -DCMAKE_CUDA_ARCHITECTURES=" +
                std::to_string(prop_.major * 10 + prop_.minor));
  }
  description_ = cuda_device_name(device) + ", " + std::to_string(block_) + " threads per replica (fewer where a kernel's registers allow fewer)" +
                 (stage_positions_ ? ", positions in shared memory" : "");
}

CudaBackend::LaunchShape CudaBackend::launch_shape(const void* kernel, const char* what, int n) const {
  cudaFuncAttributes attr;
  check(cudaFuncGetAttributes(&attr, kernel), std::string("querying ") + what);
  LaunchShape s;
  // The register count may cap the block below the requested size.
  s.block = std::min(block_, attr.maxThreadsPerBlock / kWarpSize * kWarpSize);
  if (s.block < kWarpSize) throw Error(std::string("CUDA: ") + what + " cannot run even one warp per block");
  const std::size_t positions = std::size_t(3) * n * sizeof(double);
  s.stage = stage_positions_ && attr.sharedSizeBytes + positions <= prop_.sharedMemPerBlockOptin;
  if (s.stage) {
    s.shared = positions;
    check(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, static_cast<int>(positions)),
          std::string("allowing ") + what + " " + std::to_string(positions) + " bytes of shared memory");
  }
  return s;
}

// Allocates device memory for min(wanted, what fits) replicas of the batch's shape and returns
// that number (the chunk size). Memory already held for the same shape is reused.
int CudaBackend::prepare(ReplicaBatch& batch, std::size_t wanted) {
  const SlotShape shape{batch.n(), batch.neighbor_capacity(), batch.view(0).nbr.n_cells_capacity};
  std::size_t free_bytes = 0, total_bytes = 0;
  check(cudaMemGetInfo(&free_bytes, &total_bytes), "querying free device memory");
  const std::size_t per_slot = DeviceBatch::bytes_per_slot(shape);
  // Left to the runtime: kernel stacks (local memory for every resident thread) and its own heap.
  const std::size_t reserve = 256 * kMiB + total_bytes / 20;
  const std::size_t usable = free_bytes + memory_.bytes() > reserve ? free_bytes + memory_.bytes() - reserve : 0;
  std::size_t fit = std::min<std::size_t>(usable / per_slot, INT_MAX);
  if (max_slots_ > 0) fit = std::min<std::size_t>(fit, max_slots_);
  if (usable < per_slot) {
    char buf[300];
    std::snprintf(buf, sizeof buf,
                  "CUDA device %d: one replica of %d particles needs %.1f MiB but only %.1f of %.1f MiB are free",
                  device_, batch.n(), per_slot / double(kMiB), free_bytes / double(kMiB), total_bytes / double(kMiB));
    throw Error(buf);
  }
  const int slots = static_cast<int>(std::min(wanted, fit));
  if (memory_.shape() == shape && memory_.slots() >= slots) return slots;
  if (slots < static_cast<int>(wanted) && max_slots_ == 0 && !chunk_notice_given_) {
    std::fprintf(stderr, "tlsx: cuda: %zu replicas (%.1f GiB) exceed the device's free memory; running chunks of %d\n",
                 wanted, wanted * per_slot / double(1024 * kMiB), slots);
    chunk_notice_given_ = true;
  }
  memory_.release();
  memory_.allocate(shape, slots);
  return slots;
}

void CudaBackend::copy_in(ReplicaBatch& batch, const std::vector<int>& ids) {
  const std::size_t n = batch.n();
  for_runs(ids, [&](int r, int slot, int len) {
    to_device(memory_.pos(slot), batch.pos(r), len * 3 * n, "positions");
    to_device(memory_.vel(slot), batch.vel(r), len * 3 * n, "velocities");
    to_device(memory_.species(slot), batch.species(r), len * n, "species");
    to_device(memory_.status(slot), batch.view(r).nbr.status, std::size_t(len) * 2, "neighbour-list status");
  });
}

// Forces and neighbour-list status always; positions, velocities and species when the kernel moved
// them. The neighbour lists stay on the device (column-major): host code that needs a list on the
// host rebuilds it.
void CudaBackend::copy_out(ReplicaBatch& batch, const std::vector<int>& ids, bool moved) {
  const std::size_t n = batch.n();
  for_runs(ids, [&](int r, int slot, int len) {
    to_host(batch.force(r), memory_.force(slot), len * 3 * n, "forces");
    to_host(batch.view(r).nbr.status, memory_.status(slot), std::size_t(len) * 2, "neighbour-list status");
    if (!moved) return;
    to_host(batch.pos(r), memory_.pos(slot), len * 3 * n, "positions");
    to_host(batch.vel(r), memory_.vel(slot), len * 3 * n, "velocities");
    to_host(batch.species(r), memory_.species(slot), len * n, "species");
  });
}

// Runs run(ids) (upload records, launch over slots [0, ids.size()), download records) over every
// replica in chunks that fit the device, then again over the replicas for which overflowed(r) holds,
// after growing the neighbour capacity: the algorithms restart from a consistent state, so an MD
// run equals one without overflow bit for bit, and a minimisation continues from where it stopped
// (its search history starts afresh) to a converged minimum (the CPU backend's protocol). Every kernel leaves in a slot a
// list valid for its replica's final positions (MD and the minimisers keep theirs within skin/2):
// the slot is tagged with the replica's list epoch, unless the list overflowed.
template <class Run, class Overflowed>
void CudaBackend::for_replicas_growing_lists(ReplicaBatch& batch, bool moved, Run&& run, Overflowed&& overflowed) {
  std::vector<int> todo(batch.size());
  std::iota(todo.begin(), todo.end(), 0);
  while (!todo.empty()) {
    const std::size_t chunk = prepare(batch, todo.size());
    std::vector<int> again;
    for (std::size_t first = 0; first < todo.size(); first += chunk) {
      const std::vector<int> ids(todo.begin() + first, todo.begin() + std::min(todo.size(), first + chunk));
      copy_in(batch, ids);
      try {
        run(ids);
      } catch (...) {
        // The chunk's slots now hold its replicas' uploads and whatever the failed launch left.
        for (std::size_t k = 0; k < ids.size(); ++k) memory_.set_list_epoch(static_cast<int>(k), 0);
        throw;
      }
      copy_out(batch, ids, moved);
      for (std::size_t k = 0; k < ids.size(); ++k) {
        const int r = ids[k];
        const bool overflow = overflowed(r);
        if (overflow) again.push_back(r);
        memory_.set_list_epoch(static_cast<int>(k), overflow ? 0 : batch.list_epoch(r));
      }
    }
    for (int r : todo) batch.take_overflow(r);
    if (!again.empty()) {
      if (batch.neighbor_capacity() >= batch.n() - 1)
        throw Error("neighbour list overflow with capacity n-1: corrupted neighbour data");
      batch.grow_neighbor_capacity();
    }
    todo.swap(again);
  }
}

std::vector<ForceResult> CudaBackend::forces_with(ReplicaBatch& batch, const PairTable& table, bool reuse_lists) {
  std::vector<ForceResult> out(batch.size());
  if (batch.size() == 0) return out;
  check(cudaSetDevice(device_), "selecting the device");
  const LaunchShape s = launch_shape(reinterpret_cast<const void*>(&forces_kernel), "the force kernel", batch.n());
  std::vector<ForceResult> records;
  std::vector<int> keep;
  for_replicas_growing_lists(
      batch, false,
      [&](const std::vector<int>& ids) {
        const int m = static_cast<int>(ids.size());
        const int* keep_list = nullptr;
        if (reuse_lists) {
          // Slot k keeps its list when it was left by this very replica under its current epoch.
          keep.resize(m);
          for (int k = 0; k < m; ++k) keep[k] = memory_.list_epoch(k) == batch.list_epoch(ids[k]) ? 1 : 0;
          to_device(memory_.keep_list.data(), keep.data(), m, "neighbour-list reuse flags");
          keep_list = memory_.keep_list.data();
        }
        forces_kernel<<<m, s.block, s.shared>>>(arrays(batch), table, s.stage, keep_list, memory_.forces.data());
        check_kernel("the force kernel");
        records.resize(m);
        to_host(records.data(), memory_.forces.data(), m, "force results");
        for (int k = 0; k < m; ++k) out[ids[k]] = records[k];
      },
      [&](int r) { return batch.view(r).nbr.status[0] != 0; });
  return out;
}

void CudaBackend::run_md(ReplicaBatch& batch, std::vector<MdReplicaState>& states, const PairTable& table,
                         const MdParams& params, std::int64_t steps) {
  if (static_cast<int>(states.size()) != batch.size()) throw Error("run_md: one state per replica needed");
  if (batch.size() == 0) return;
  check(cudaSetDevice(device_), "selecting the device");
  std::vector<std::uint64_t> target(states.size());
  for (std::size_t r = 0; r < states.size(); ++r) target[r] = states[r].step + static_cast<std::uint64_t>(steps);
  const LaunchShape s = launch_shape(reinterpret_cast<const void*>(&md_kernel), "the MD kernel", batch.n());
  std::vector<MdReplicaState> chunk_states;
  std::vector<std::uint64_t> chunk_targets;
  for_replicas_growing_lists(
      batch, true,
      [&](const std::vector<int>& ids) {
        const int m = static_cast<int>(ids.size());
        chunk_states.resize(m);
        chunk_targets.resize(m);
        for (int k = 0; k < m; ++k) {
          chunk_states[k] = states[ids[k]];
          chunk_targets[k] = target[ids[k]];
        }
        to_device(memory_.states.data(), chunk_states.data(), m, "MD states");
        to_device(memory_.targets.data(), chunk_targets.data(), m, "MD targets");
        md_kernel<<<m, s.block, s.shared>>>(arrays(batch), table, s.stage, params, memory_.states.data(),
                                             memory_.targets.data());
        check_kernel("the MD kernel");
        to_host(chunk_states.data(), memory_.states.data(), m, "MD states");
        for (int k = 0; k < m; ++k) states[ids[k]] = chunk_states[k];
      },
      [&](int r) { return states[r].status == 1; });
}

std::vector<MinimizeResult> CudaBackend::minimize(ReplicaBatch& batch, const PairTable& table,
                                                  const MinimizeParams& params) {
  std::vector<MinimizeResult> out(batch.size());
  if (batch.size() == 0) return out;
  check(cudaSetDevice(device_), "selecting the device");
  const LaunchShape s =
      launch_shape(reinterpret_cast<const void*>(&minimize_kernel), "the minimisation kernel", batch.n());
  std::vector<MinimizeResult> records;
  for_replicas_growing_lists(
      batch, true,
      [&](const std::vector<int>& ids) {
        const int m = static_cast<int>(ids.size());
        minimize_kernel<<<m, s.block, s.shared>>>(arrays(batch), table, s.stage, params, memory_.minimized.data());
        check_kernel("the minimisation kernel");
        records.resize(m);
        to_host(records.data(), memory_.minimized.data(), m, "minimiser results");
        for (int k = 0; k < m; ++k) {
          // A rerun after an overflow continues from where the first run stopped: add up its work.
          const MinimizeResult previous = out[ids[k]];
          out[ids[k]] = records[k];
          out[ids[k]].iterations += previous.iterations;
          out[ids[k]].force_evaluations += previous.force_evaluations;
        }
      },
      [&](int r) { return out[r].status == 1; });
  return out;
}

}  // namespace

}  // namespace cuda

std::unique_ptr<Backend> make_cuda_backend(int device) { return std::make_unique<cuda::CudaBackend>(device); }

}  // namespace tlsx
