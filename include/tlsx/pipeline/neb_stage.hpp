#pragma once
// The minimum-energy-path stage (paper Sec. II D; docs/neb.md): for every candidate pair of every
// glass of an explored library (transitions rows with T(a->b) >= 1 and T(b->a) >= 1), the path
// between the two inherent structures is found by NEB or the string method (neb/band.hpp) and
// split at intermediate minima (neb/connect.hpp). Every elementary path without intermediate
// minimum becomes a "good" /double_wells row; the candidate pair of a split path is kept as a
// "split" row; paths that do not converge or fail are kept with their reason. Intermediate minima
// that are not inherent structures of the library yet become new /inherent_structures rows
// (first_quench = -1, first_seen = NaN, coordinates stored).
//
// The work is a list of items, one per candidate pair, in the order of the transitions table. The
// path search of an item depends only on the input library and the options: an elementary pair of a
// split path is skipped when the dynamics sampled it (a /transitions row), and otherwise run. So the
// searches are independent and NebStageOptions::pairs_in_flight of them run at once, as a stream:
// the next starts as soon as one ends (neb/surface_batcher.hpp). Their results are recorded in item
// order: the ids of new minima follow that order, and an elementary pair that an earlier item has
// already recorded is not recorded again (it counts as already sampled, as it would have been had
// the items run one after another). The library is therefore the same for any pairs_in_flight, any
// backend and thread count, and a checkpoint after any recorded item and a resume reproduce the
// uninterrupted library exactly.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tlsx/backend/backend.hpp"
#include "tlsx/neb/connect.hpp"
#include "tlsx/pipeline/checkpoint.hpp"
#include "tlsx/pipeline/library.hpp"

namespace tlsx {

struct NebStageOptions {
  PathMethod method = PathMethod::string;  // the paper's LAMMPS runs used the string-like "parallel ideal"
  int images = 64;                   // including the two minima
  double spring = 0.125;             // kappa, eps / sigma^2 (NEB only)
  double force_tolerance = 1e-5;     // largest band-force component at convergence (eps / sigma)
  long max_iterations = 100000;      // FIRE steps per band, both phases
  bool climb = true;                 // climbing image in a second phase
  double climb_start_tolerance = 1e-3;
  BandOptimizer optimizer = BandOptimizer::fire;  // how each band is relaxed (docs/neb.md)
  double minimize_tolerance = 1e-10; // intermediate minima are relaxed to this largest force component
  int max_bands = 32;                // paths per candidate pair (splitting recursion bound)
  double skin = 0.3;                 // neighbour-list skin
  // Candidate pairs whose paths are searched at once: their band images share the Backend's calls
  // (neb/surface_batcher.hpp; with CUDA, 32 bands of 64 images = 2048 replicas per launch). Speed
  // only: the library does not depend on it (not part of config_neb).
  int pairs_in_flight = 32;
};

// The options as JSON (stored as the library's config_neb; its hash keys the checkpoint).
std::string neb_config_json(const NebStageOptions& o);
// The path-search parameters the options stand for.
ConnectParams connect_params(const NebStageOptions& o);

// One candidate pair: a row of /transitions.
struct NebWorkItem {
  std::int64_t transition_row = 0;
  std::int64_t glass = 0;  // row of /glasses
  int is_a = 0, is_b = 0;
};

class NebStage {
 public:
  // A fresh start on an explored library (stage "explore"); `explored` must outlive the stage.
  NebStage(const Library& explored, const NebStageOptions& options);
  NebStage(NebStage&&) noexcept;
  NebStage& operator=(NebStage&&) noexcept;
  ~NebStage();  // cancels the searches in flight
  // Continues from a checkpoint written by save_checkpoint for the same input and options (else a
  // tlsx::Error naming the file).
  static NebStage resume(const std::string& checkpoint, const Library& explored, const NebStageOptions& options);

  // Records the next work item, serving the searches in flight until its search has ended (the
  // first call starts the stream; every call must pass the same backend).
  void step(Backend& backend);
  bool finished() const { return next_ >= items_.size(); }
  std::size_t items_done() const { return next_; }
  // Items recorded plus the searches in flight that have already ended (progress).
  std::size_t items_searched() const;
  std::size_t items_total() const { return items_.size(); }
  const std::vector<NebWorkItem>& items() const { return items_; }

  void save_checkpoint(const std::string& path) const;

  // The input library with stage "neb", config_neb, the new inherent structures and /double_wells
  // for the items done so far.
  Library library() const;
  const LibraryDoubleWells& double_wells() const { return dw_; }
  long bands_run() const { return bands_; }

 private:
  struct Searches;  // the stream of path searches in flight (neb_stage.cpp)

  int match_minimum(std::int64_t glass, const Minimum& m) const;    // IS id, or -1
  int add_minimum(std::int64_t glass, const Minimum& m);             // a new IS row; its id
  bool is_known_pair(std::int64_t glass, int a, int b) const;
  // The rows of one item from its path search (none: its coordinates are not stored).
  void record(const NebWorkItem& item, const std::optional<ConnectResult>& result);
  void add_row(const NebWorkItem& item, int is_first, int is_second, double e_first, double e_second,
               const DoubleWell* dw, DoubleWellStatus status, const std::string& reason);

  const Library* in_;
  NebStageOptions options_;
  ConnectParams params_;
  std::uint64_t config_hash_ = 0;
  std::vector<NebWorkItem> items_;
  std::size_t next_ = 0;
  // Produced so far.
  LibraryDoubleWells dw_;
  LibraryInherentStructures new_is_;  // coordinate_row indexes new_is_.coordinates
  long bands_ = 0;
  std::unique_ptr<Searches> searches_;
};

std::uint64_t neb_config_hash(const NebStageOptions& o, const Library& explored);

// Records items (the steps of run_checkpointed, checkpoint.hpp: stop_after counts candidate pairs)
// until done or a stop is requested, with checkpoints as CheckpointClock directs and at a stop.
// Progress (rate, ETA) on stderr.
StageRunResult run_neb_stage(NebStage& stage, Backend& backend, const StageRunControl& control);

}  // namespace tlsx
