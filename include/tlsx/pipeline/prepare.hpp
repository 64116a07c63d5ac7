#pragma once
// Glass preparation (paper Sec. II C; docs/architecture.md §1): N_g independent equilibrium configurations at
// the fictive temperature T_f from random starts: overlap removal, a melt at high T, then hybrid
// swap Monte Carlo / MD at T_f (blocks of swap_every MD steps, Nose-Hoover, alternating with sweeps
// of swap_attempts attempted species exchanges). The energy and the self-intermediate scattering
// function F_s(q = 7.2, t) are sampled as evidence of equilibration.
//
// The run is a sequence of chunks: melt chunks of at most kMeltChunk steps, then (after the switch to
// T_f, which samples t = 0) blocks of sample_every swap MC/MD steps, each followed by a sample. A
// chunk depends only on the state at its start (positions, velocities, species, Nose-Hoover chain,
// step and swap-sweep counters: the MD contract, md.hpp, makes a call that starts at a step boundary
// continue bitwise, swap sweeps included, since their random streams are keyed by the counters). So
// a checkpoint at a chunk boundary, holding that state and the time series sampled so far, and a
// resume reproduce the uninterrupted run exactly.
#include <cstdint>
#include <string>
#include <vector>

#include "tlsx/backend/backend.hpp"
#include "tlsx/engine/md_params.hpp"
#include "tlsx/engine/replica_batch.hpp"
#include "tlsx/pipeline/checkpoint.hpp"
#include "tlsx/pipeline/glass_set.hpp"

namespace tlsx {

struct PrepareOptions {
  int n = 1200;
  int glasses = 4;
  std::int64_t first_glass = 0;     // global id of the first glass (shards: --first-glass)
  std::int64_t glass_stride = 1;    // glass r has id first_glass + r * glass_stride (shard K of N: K, K+N, ...)
  double fictive_temperature = 0.617;
  std::uint64_t seed = 1;
  double melt_temperature = 2.0;
  std::int64_t melt_steps = 4000;
  std::int64_t steps = 100000;      // swap MC/MD steps at T_f
  double dt = 0.005;
  int swap_every = 10;
  int swap_attempts = -1;           // -1: 1.75 N (the paper)
  double tau_t = 0.0;               // 0: 100 dt
  std::int64_t sample_every = 0;    // 0: steps / 100
  double fs_wavenumber = 7.2;
};

// The global id of glass r of the set: the key of all its random streams (core/rng.hpp).
inline std::int64_t glass_id(const PrepareOptions& o, int r) { return o.first_glass + r * o.glass_stride; }

// Self-intermediate scattering function F_s(q, t) = (1/3N) sum_i sum_axes cos(q (x_i(t) - x_i(0))),
// positions unwrapped (SoA, 3n each).
double self_intermediate_scattering(const double* now, const double* start, int n, double q);

// First time the sampled F_s falls below 1/e (linear interpolation); negative when it never does.
double relaxation_time(const std::vector<double>& time, const double* fs);

// Evidence that the swap MC/MD run equilibrated: averages over glasses.
struct EquilibrationSummary {
  double energy_mean = 0.0;       // final e/N
  double energy_drift = 0.0;      // e/N change over the second half of the run (linear fit), mean
  double energy_std_second_half = 0.0;  // fluctuation of e/N over the second half, mean
  double fs_final = 0.0;          // F_s(q, t_end), mean
  double tau_alpha = -1.0;        // mean first time F_s < 1/e over the glasses that relaxed (-1: none)
  int relaxed = 0;                // glasses whose F_s fell below 1/e
  double relaxations = 0.0;       // run time / tau_alpha
  double swap_acceptance = 0.0;
};
EquilibrationSummary summarize_equilibration(const GlassSet& g);

// The options as TOML text (stored in the glass file).
std::string prepare_config_toml(const PrepareOptions& o);

// Hash of what a checkpoint must agree on: every option (the TOML text above, which the output also
// stores) and the model. Not the backend or the thread count: they do not change the trajectory.
std::uint64_t prepare_config_hash(const PrepareOptions& o, const Model& model);

class Preparation {
 public:
  static constexpr std::int64_t kMeltChunk = 1000;  // melt steps per chunk

  // A fresh start: random positions and species, overlap removal, velocities at the melt temperature.
  Preparation(const PrepareOptions& options, const Model& model);
  // Continues from a checkpoint written by save_checkpoint under the same options and model (else a
  // tlsx::Error naming the file and saying what differs).
  static Preparation resume(const std::string& checkpoint, const PrepareOptions& options, const Model& model);

  // Advances every glass by one chunk: a melt chunk (and, after the last one, the switch to T_f and
  // the sample at t = 0) or a block of sample_every swap MC/MD steps and its sample.
  void advance(Backend& backend);
  bool finished() const { return sampling_ && swap_done_ >= options_.steps; }
  bool melting() const { return !sampling_; }
  std::int64_t steps_done() const { return melt_done_ + swap_done_; }
  std::int64_t total_steps() const { return options_.melt_steps + options_.steps; }

  void save_checkpoint(const std::string& path) const;

  // Mean potential energy per particle of the glasses after the last chunk.
  double mean_energy_per_particle() const;
  const PrepareOptions& options() const { return options_; }
  // The glasses and their time series as they stand (the output once finished()).
  GlassSet glass_set() const;

 private:
  Preparation(const PrepareOptions& options, const Model& model, bool fresh);
  MdParams melt_params() const;
  MdParams swap_params() const;
  void run_block(Backend& backend, const MdParams& p, std::int64_t steps);
  void begin_sampling(Backend& backend);
  void sample();

  PrepareOptions options_;
  Model model_;
  PairTable table_;
  std::uint64_t config_hash_ = 0;
  std::int64_t sample_every_ = 1;
  ReplicaBatch batch_;
  std::vector<MdReplicaState> states_;
  std::int64_t melt_done_ = 0, swap_done_ = 0;
  bool sampling_ = false;            // the melt is over and t = 0 of the swap run has been sampled
  // The time series of the swap run: start = positions at t = 0 (the F_s reference), [G][3n];
  // series_energy etc. [G][S], row-major by glass, grown by one column per sample.
  std::vector<double> start_;
  std::vector<double> series_time_;
  std::vector<std::vector<double>> series_energy_, series_temperature_, series_fs_;
};

// Runs chunks (the steps of run_checkpointed, checkpoint.hpp: stop_after counts chunks) until the
// preparation is finished or a stop is requested; checkpoints as CheckpointClock directs and at a
// stop. Progress with ETA on stderr.
StageRunResult run_preparation(Preparation& p, Backend& backend, const StageRunControl& control);

// The whole protocol in one call, without checkpoints; progress on stderr.
GlassSet prepare_glasses(const PrepareOptions& o, const Model& model, Backend& backend);

}  // namespace tlsx
