#pragma once
// The executors of the replica algorithms. A Backend runs the same Team-templated code over a
// batch of replicas: the CPU backend with OpenMP (one SerialTeam per replica), the CUDA backend with
// one block per replica (CudaBlockTeam). Pipeline stages talk only to this interface.
#include <memory>
#include <string>
#include <vector>

#include "tlsx/engine/forces.hpp"
#include "tlsx/engine/md_params.hpp"
#include "tlsx/engine/minimize_params.hpp"
#include "tlsx/engine/replica_batch.hpp"
#include "tlsx/model/model.hpp"

namespace tlsx {

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string name() const = 0;   // "cpu" or "cuda"
  virtual std::string device() const = 0; // "4 OpenMP threads" / "NVIDIA H100 80GB HBM3 (sm_90)"

  // Potential energy, virial and forces of every replica (builds the neighbour lists).
  virtual std::vector<ForceResult> forces(ReplicaBatch& batch, const PairTable& table) = 0;

  // The same, bit for bit, but a replica's list is rebuilt only when a particle moved more than
  // skin/2 since its last build (or it was invalidated): for callers that evaluate nearby
  // configurations in the same slots again and again (the NEB bands of neb/surface_batcher.hpp).
  // Bitwise equal because rows are in index order and entries beyond a pair's cutoff add exact
  // zeros (engine/neighbor_list.hpp). The default rebuilds every time. Callers use one PairTable
  // for a batch throughout: a list left by a minimisation or by MD without swaps holds each pair
  // only within that table's own cutoff + skin, and is kept for a later call on the same replica.
  virtual std::vector<ForceResult> forces_reusing_lists(ReplicaBatch& batch, const PairTable& table) {
    return forces(batch, table);
  }

  // Advances every replica by `steps` MD steps; when params.swap_every > 0, a swap sweep of
  // params.swap_attempts attempts follows every swap_every steps. states[r] carries replica r's
  // thermostat, counters and statistics (states.size() == batch.size()).
  virtual void run_md(ReplicaBatch& batch, std::vector<MdReplicaState>& states, const PairTable& table,
                      const MdParams& params, std::int64_t steps) = 0;

  // Minimises every replica to its inherent structure.
  virtual std::vector<MinimizeResult> minimize(ReplicaBatch& batch, const PairTable& table,
                                               const MinimizeParams& params) = 0;
};

// "cpu", "cuda" or "auto" (CUDA when a device is present, else CPU with a one-line notice on
// stderr). Asking for "cuda" without support or without a device is an Error, never a crash.
std::unique_ptr<Backend> make_backend(const std::string& choice, int threads = 0);

// For --version: whether CUDA support is compiled in and which device is seen.
std::string describe_backends();

// CUDA runtime queries; false / "" without CUDA support.
bool cuda_compiled_in();
int cuda_device_count();
std::string cuda_device_name(int device);

}  // namespace tlsx
