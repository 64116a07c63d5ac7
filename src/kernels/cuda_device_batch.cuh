#pragma once
// Device memory of the CUDA backend: the arrays of a ReplicaBatch mirrored for `slots` replicas
// (a whole batch, or one chunk of it when the batch does not fit), plus the per-replica records the
// kernels exchange with the host. Slot s holds one replica:
//   pos, vel, force, reference    3n doubles each, SoA (x block, y block, z block), as on the host
//   scratch                       kScratchVectors * 3n doubles (CG's work vectors)
//   species, count, count_upper,
//   cell_particles                n ints each
//   index                         n * capacity ints, column-major: entry k of row i at i + k n, so
//                                 the threads of a warp (consecutive i) read consecutive words
//   cell_start                    n_cells_capacity + 1 ints
//   status                        2 ints: [0] overflow flag, [1] neighbour-list builds
// A slot's neighbour list (index, counts, reference positions) stays on the device between calls.
// The host remembers for each slot the ListEpochs value (replica_batch.hpp) of the replica whose
// list it holds, so a later call for the same replica in the same slot may keep it
// (Backend::forces_reusing_lists); 0 = no list worth keeping.
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "cuda_check.cuh"
#include "cuda_device_array.cuh"
#include "tlsx/engine/forces.hpp"
#include "tlsx/engine/md_params.hpp"
#include "tlsx/engine/minimize_params.hpp"
#include "tlsx/engine/replica.hpp"

namespace tlsx::cuda {

// What fixes the size of a slot.
struct SlotShape {
  int n = 0;
  int capacity = 0;         // neighbour-row capacity
  int n_cells_capacity = 0;
  bool operator==(const SlotShape& o) const {
    return n == o.n && capacity == o.capacity && n_cells_capacity == o.n_cells_capacity;
  }
};

// The device arrays as a kernel sees them (passed by value as a kernel argument).
struct SlotArrays {
  SlotShape shape;
  Box box;
  double cutoff = 0.0, skin = 0.0;
  double *pos = nullptr, *vel = nullptr, *force = nullptr, *reference = nullptr, *scratch = nullptr;
  int *species = nullptr, *count = nullptr, *count_upper = nullptr, *index = nullptr;
  int *cell_start = nullptr, *cell_particles = nullptr, *status = nullptr;

  __device__ ReplicaView view(int slot) const {
    const std::size_t s = slot, n = shape.n;
    ReplicaView v;
    v.n = shape.n;
    v.box = box;
    v.pos = pos + s * 3 * n;
    v.vel = vel + s * 3 * n;
    v.force = force + s * 3 * n;
    v.species = species + s * n;
    v.scratch = scratch + s * kScratchVectors * 3 * n;
    NeighborListView& nl = v.nbr;
    nl.capacity = shape.capacity;
    nl.stride_row = 1;
    nl.stride_col = shape.n;
    nl.cutoff = cutoff;
    nl.skin = skin;
    nl.count = count + s * n;
    nl.count_upper = count_upper + s * n;
    nl.index = index + s * n * shape.capacity;
    nl.reference = reference + s * 3 * n;
    nl.cell_start = cell_start + s * (shape.n_cells_capacity + 1);
    nl.cell_particles = cell_particles + s * n;
    nl.n_cells_capacity = shape.n_cells_capacity;
    nl.status = status + s * 2;
    return v;
  }
};

// The device mirror of (a chunk of) a ReplicaBatch.
class DeviceBatch {
 public:
  // Device bytes one slot takes, per-replica records included.
  static std::size_t bytes_per_slot(const SlotShape& s) {
    const std::size_t n = s.n;
    const std::size_t doubles = (4 + kScratchVectors) * 3 * n;
    const std::size_t ints = 4 * n + n * s.capacity + (s.n_cells_capacity + 1) + 2;
    const std::size_t records = sizeof(MdReplicaState) + sizeof(std::uint64_t) + sizeof(ForceResult) +
                                sizeof(MinimizeResult) + sizeof(int);
    return doubles * sizeof(double) + ints * sizeof(int) + records;
  }

  int slots() const { return slots_; }
  const SlotShape& shape() const { return shape_; }
  std::size_t bytes() const { return slots_ * bytes_per_slot(shape_); }

  void allocate(const SlotShape& shape, int slots) {
    release();
    const std::size_t m = slots, n = shape.n;
    pos_.allocate(m * 3 * n, "positions");
    vel_.allocate(m * 3 * n, "velocities");
    force_.allocate(m * 3 * n, "forces");
    reference_.allocate(m * 3 * n, "neighbour-list reference positions");
    scratch_.allocate(m * kScratchVectors * 3 * n, "minimiser work vectors");
    species_.allocate(m * n, "species");
    count_.allocate(m * n, "neighbour counts");
    count_upper_.allocate(m * n, "neighbour counts");
    index_.allocate(m * n * shape.capacity, "neighbour lists");
    cell_start_.allocate(m * (shape.n_cells_capacity + 1), "cell grid");
    cell_particles_.allocate(m * n, "cell grid");
    status_.allocate(m * 2, "neighbour-list status");
    states.allocate(m, "MD states");
    targets.allocate(m, "MD targets");
    forces.allocate(m, "force results");
    minimized.allocate(m, "minimiser results");
    keep_list.allocate(m, "neighbour-list reuse flags");
    list_epochs_.assign(m, 0);
    shape_ = shape;
    slots_ = slots;
  }

  void release() {
    for (DeviceArray<double>* a : {&pos_, &vel_, &force_, &reference_, &scratch_}) a->release();
    for (DeviceArray<int>* a :
         {&species_, &count_, &count_upper_, &index_, &cell_start_, &cell_particles_, &status_})
      a->release();
    states.release();
    targets.release();
    forces.release();
    minimized.release();
    keep_list.release();
    list_epochs_.clear();
    slots_ = 0;
    shape_ = SlotShape{};
  }

  SlotArrays arrays(const Box& box, double cutoff, double skin) const {
    SlotArrays a;
    a.shape = shape_;
    a.box = box;
    a.cutoff = cutoff;
    a.skin = skin;
    a.pos = pos_.data();
    a.vel = vel_.data();
    a.force = force_.data();
    a.reference = reference_.data();
    a.scratch = scratch_.data();
    a.species = species_.data();
    a.count = count_.data();
    a.count_upper = count_upper_.data();
    a.index = index_.data();
    a.cell_start = cell_start_.data();
    a.cell_particles = cell_particles_.data();
    a.status = status_.data();
    return a;
  }

  double* pos(int slot) const { return pos_.data() + std::size_t(slot) * 3 * shape_.n; }
  double* vel(int slot) const { return vel_.data() + std::size_t(slot) * 3 * shape_.n; }
  double* force(int slot) const { return force_.data() + std::size_t(slot) * 3 * shape_.n; }
  int* species(int slot) const { return species_.data() + std::size_t(slot) * shape_.n; }
  int* status(int slot) const { return status_.data() + std::size_t(slot) * 2; }

  // The ListEpochs value of the list slot s holds (0: none to keep).
  std::uint64_t list_epoch(int slot) const { return list_epochs_[std::size_t(slot)]; }
  void set_list_epoch(int slot, std::uint64_t epoch) { list_epochs_[std::size_t(slot)] = epoch; }

  // Per-replica records (slot-indexed).
  DeviceArray<MdReplicaState> states;
  DeviceArray<std::uint64_t> targets;
  DeviceArray<ForceResult> forces;
  DeviceArray<MinimizeResult> minimized;
  DeviceArray<int> keep_list;  // 1: the slot's list belongs to its replica, update it; 0: build

 private:
  SlotShape shape_;
  int slots_ = 0;
  DeviceArray<double> pos_, vel_, force_, reference_, scratch_;
  DeviceArray<int> species_, count_, count_upper_, index_, cell_start_, cell_particles_, status_;
  std::vector<std::uint64_t> list_epochs_;
};

}  // namespace tlsx::cuda
