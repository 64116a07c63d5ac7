#pragma once
// Landscape exploration of every glass metabasin (paper Sec. II D, III A; docs/architecture.md §1):
// the equilibrium configuration at T_f gets Maxwell-Boltzmann velocities at T_exp (stream
// exploration_velocities keyed by the glass id: the "quench to T_exp"), then MD with a Berendsen
// thermostat runs as one batch of replicas on the backend. Every tau_cg MD steps a copy of every
// replica is minimised (a second batch) and the inherent structure registered in the glass's
// IsRegistry; the IS ids form the glass's sequence (TransitionLog). After n_cg quenches the
// registries, sequences and transition counts become the first tables of the double-well library.
//
// The run is a sequence of identical cycles (tau_cg MD steps, one quench per glass), and a cycle
// depends only on the state at its start (positions, velocities, MD counters; the MD contract
// makes a call that starts at a step boundary continue bitwise). So a checkpoint at a cycle boundary
// and a resume reproduce the uninterrupted run exactly.
#include <cstdint>
#include <string>
#include <vector>

#include "tlsx/backend/backend.hpp"
#include "tlsx/engine/md_params.hpp"
#include "tlsx/engine/minimize_params.hpp"
#include "tlsx/engine/replica_batch.hpp"
#include "tlsx/pipeline/checkpoint.hpp"
#include "tlsx/pipeline/glass_set.hpp"
#include "tlsx/pipeline/is_registry.hpp"
#include "tlsx/pipeline/library.hpp"
#include "tlsx/pipeline/transitions.hpp"

namespace tlsx {

struct ExploreOptions {
  double temperature = 0.4;      // T_exp
  double dt = 0.0025;            // the paper's exploration time step
  std::int64_t tau_cg = 100;     // MD steps between quenches (Table I's tau_cg is in units of dt)
  std::int64_t n_cg = 1000;      // quenches per glass
  double thermostat_tau = 0.0;   // Berendsen time constant (tau_LJ); 0: 100 dt
  std::uint64_t seed = 1;        // key of the velocity streams (with the glass id)
  MinimizeParams minimize;       // set in the constructor: CG (the paper), |F| < 1e-10
  // Two-stage quench: stop at max |F| < screen_tolerance, keep the result when the registry places
  // it clearly in one known IS (IsRegistry::screen), else finish to minimize.force_tolerance and
  // register as usual (the registry holds only fully converged IS). With CG the first stage is the
  // exact protocol's own quench up to that force, so a screened quench stands for the full one,
  // which would end in the IS the registry names. 1e-3 by measurement (bench/RESULTS.md, "Two-stage
  // quenches in the exploration"): at 1e-2 the rest of the descent lowers the energy by more than
  // half the energy tolerance and nothing is screened. 0: one stage, every quench to the full tolerance.
  double screen_tolerance = 1e-3;
  IsMatchTolerance tolerance;
  double skin = 0.3;             // neighbour-list skin
  bool store_all_is = false;     // coordinates of every IS in the output, not only candidate pairs' ones

  ExploreOptions() { minimize.algorithm = MinimizeAlgorithm::cg; }
};

// The options that determine the trajectory and the registries, as JSON (stored in the library as
// config_explore). with_n_cg = false leaves out n_cg (the checkpoint hash: a resumed run may be
// extended to more quenches).
std::string explore_config_json(const ExploreOptions& o, bool with_n_cg = true);

// One glass's exploration record.
struct GlassExploration {
  std::int64_t glass_id = 0;
  IsRegistry registry;
  TransitionLog log;
};

// What the quenches of this process cost (statistics; not checkpointed).
struct QuenchStats {
  std::int64_t quenches = 0;           // converged or failed, every glass
  std::int64_t screened = 0;           // ended at the screen (two-stage quench, first stage only)
  std::int64_t force_evaluations = 0;  // both stages
};

class Exploration {
 public:
  // A fresh start from the glasses' configurations.
  Exploration(const GlassSet& glasses, const ExploreOptions& options);
  // Continues from a checkpoint written by save_checkpoint under the same options and glasses
  // (else a tlsx::Error that says what differs).
  static Exploration resume(const std::string& checkpoint, const GlassSet& glasses, const ExploreOptions& options);

  // Advances every glass by one cycle: tau_cg MD steps, one quench, registration.
  void cycle(Backend& backend);
  std::int64_t quenches_done() const { return quenches_; }
  const QuenchStats& quench_stats() const { return stats_; }
  bool finished() const { return quenches_ >= options_.n_cg; }
  // Exploration time of quench k (0-based): (k + 1) tau_cg dt.
  double quench_time(std::int64_t k) const;

  void save_checkpoint(const std::string& path) const;

  const std::vector<GlassExploration>& glasses() const { return glasses_; }
  const ExploreOptions& options() const { return options_; }
  // Mean potential energy per particle and temperature of the MD replicas after the last cycle.
  double mean_md_energy_per_particle() const;
  double mean_md_temperature() const;

  // The library tables (stage "explore") for what has been explored so far.
  Library library(const GlassSet& glasses) const;

 private:
  Exploration(const ExploreOptions& options, const GlassSet& glasses, bool fresh);
  MdParams md_params() const;
  std::vector<MinimizeResult> quench_active(Backend& backend, const std::vector<char>& active,
                                            const MinimizeParams& params);

  ExploreOptions options_;
  std::uint64_t config_hash_ = 0;
  int n_ = 0;
  Box box_;
  PairTable table_;
  ReplicaBatch md_batch_, quench_batch_;
  ReplicaBatch finish_batch_;  // the second stage of two-stage quenches (as many replicas as need it)
  std::vector<MdReplicaState> md_states_;
  std::vector<GlassExploration> glasses_;
  std::vector<char> prepared_blown_up_;  // the glass set marks it blown up: never explored
  std::int64_t quenches_ = 0;
  QuenchStats stats_;
};

// Hash of what a checkpoint must agree on: the options (without n_cg) and the glasses' identity
// (ids, positions, velocities, species, model).
std::uint64_t explore_config_hash(const ExploreOptions& o, const GlassSet& glasses);

// Runs cycles (the steps of run_checkpointed, checkpoint.hpp: stop_after counts quenches) until the
// exploration is finished or a stop is requested; checkpoints as CheckpointClock directs and at a
// stop. Progress on stderr.
StageRunResult run_exploration(Exploration& e, Backend& backend, const StageRunControl& control);

}  // namespace tlsx
