#pragma once
// Host storage for a batch of replicas with the same particle number and box: the arrays behind
// ReplicaView. Backends keep their own copies (the CUDA backend mirrors these on the device).
#include <cstdint>
#include <vector>

#include "tlsx/core/box.hpp"
#include "tlsx/engine/replica.hpp"

namespace tlsx {

struct Configuration;  // io/configuration.hpp

// The state of each replica's neighbour list as the host knows it, as one number unique across every
// batch of the process: drawn afresh whenever the host marks a list for rebuilding (a new batch,
// invalidate_neighbor_list, grow_neighbor_capacity, copy_replica_from) and for every replica of a
// copied batch. A backend that keeps lists of its own between calls (the CUDA backend keeps them on
// the device) may reuse one only for the replica and epoch it was built under; 0 is never drawn.
class ListEpochs {
 public:
  ListEpochs() = default;
  explicit ListEpochs(int count) { renew_all(count); }
  ListEpochs(const ListEpochs& other) { renew_all(static_cast<int>(other.epochs_.size())); }
  ListEpochs& operator=(const ListEpochs& other) {
    if (this != &other) renew_all(static_cast<int>(other.epochs_.size()));
    return *this;
  }
  ListEpochs(ListEpochs&&) = default;
  ListEpochs& operator=(ListEpochs&&) = default;

  std::uint64_t operator[](int r) const { return epochs_[std::size_t(r)]; }
  void renew(int r);
  void renew_all(int count);

 private:
  std::vector<std::uint64_t> epochs_;
};

class ReplicaBatch {
 public:
  ReplicaBatch() = default;
  // n particles per replica, `count` replicas, neighbour-list cutoff and skin.
  ReplicaBatch(int n, int count, const Box& box, double list_cutoff, double skin);

  int n() const { return n_; }
  int size() const { return count_; }
  const Box& box() const { return box_; }
  double list_cutoff() const { return cutoff_; }
  double skin() const { return skin_; }
  int neighbor_capacity() const { return capacity_; }

  // A view of replica r (row-major neighbour list).
  ReplicaView view(int r);

  double* pos(int r) { return pos_.data() + std::size_t(r) * 3 * n_; }
  double* vel(int r) { return vel_.data() + std::size_t(r) * 3 * n_; }
  double* force(int r) { return force_.data() + std::size_t(r) * 3 * n_; }
  int* species(int r) { return species_.data() + std::size_t(r) * n_; }
  const double* pos(int r) const { return pos_.data() + std::size_t(r) * 3 * n_; }
  const double* vel(int r) const { return vel_.data() + std::size_t(r) * 3 * n_; }
  const int* species(int r) const { return species_.data() + std::size_t(r) * n_; }

  // True when some row of replica r overflowed at its last build; clears the flag.
  bool take_overflow(int r);
  // Grows every row's capacity (after an overflow); every list is marked for rebuilding.
  void grow_neighbor_capacity();
  // Marks replica r's list for rebuilding at the next update_neighbor_list (e.g. after its species
  // changed outside a swap sweep, which per-pair list cutoffs do not follow). A batch starts with
  // every list marked.
  void invalidate_neighbor_list(int r);
  int neighbor_builds(int r) const { return status_[std::size_t(r) * 2 + 1]; }
  // Replica r's ListEpochs value.
  std::uint64_t list_epoch(int r) const { return epochs_[r]; }

  // Copies replica r of `other` (same n) into replica r_to of this batch (positions, velocities,
  // species) and marks r_to's list for rebuilding.
  void copy_replica_from(const ReplicaBatch& other, int r_from, int r_to);

  std::vector<double>& positions() { return pos_; }
  std::vector<double>& velocities() { return vel_; }
  std::vector<int>& species_array() { return species_; }

 private:
  int n_ = 0, count_ = 0, capacity_ = 0, cells_capacity_ = 0;
  Box box_;
  double cutoff_ = 0.0, skin_ = 0.0;
  std::vector<double> pos_, vel_, force_, reference_, scratch_;
  std::vector<int> species_, count_nb_, count_upper_, index_, cell_start_, cell_particles_, status_;
  ListEpochs epochs_;
};

// Neighbour-row capacity for a given density and list cutoff: 1.5x the ideal-gas count plus slack.
int default_neighbor_capacity(int n, double volume, double cutoff);

}  // namespace tlsx
