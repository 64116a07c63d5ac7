#pragma once
// Checkpoint/resume infrastructure for long stages (docs/architecture.md §3, "Checkpoints": state, random
// counters and registries written atomically, resumed bit for bit).
//
// A stage runs in cycles and, between two cycles, asks a CheckpointClock what to do:
//   - every `every_seconds` of wall time: write a checkpoint and go on;
//   - on SIGUSR1: write a checkpoint and go on (a scheduler's "save now");
//   - on SIGTERM or SIGINT, or once `max_hours` of wall time have passed: write a checkpoint and stop
//     cleanly (the stage then exits 0 without its final output; rerun it with --resume).
// Signal handlers only set flags (async-signal-safe); the loop acts at the next cycle boundary, where
// the state is complete and consistent. A second SIGINT kills the program as usual.
//
// Checkpoint files are written with write_atomically: the previous checkpoint stays in place until
// the new one is complete and renamed over it, so a crash while writing loses nothing. Each file
// carries the hash of the configuration that produced it; resuming under a different configuration
// is refused with a message naming both hashes.
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace tlsx {

namespace h5 {
class File;
}
class Progress;

// 64-bit FNV-1a of a byte string (configuration texts, input fingerprints).
std::uint64_t fnv1a64(const void* data, std::size_t bytes, std::uint64_t h = 14695981039346656037ull);
inline std::uint64_t fnv1a64(const std::string& s, std::uint64_t h = 14695981039346656037ull) {
  return fnv1a64(s.data(), s.size(), h);
}
std::string hex64(std::uint64_t h);  // 16 hex digits

// Installs the handlers for SIGTERM, SIGINT and SIGUSR1 while alive; restores the previous ones.
class StopSignals {
 public:
  StopSignals();
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  static bool stop_requested();        // SIGTERM or SIGINT seen
  static bool take_checkpoint_request();  // SIGUSR1 seen since the last call
  static void clear();                 // forget earlier signals (tests)
};

class CheckpointClock {
 public:
  enum class Action { none, checkpoint, checkpoint_and_stop };
  // every_seconds <= 0: no periodic checkpoints; max_hours <= 0: no limit.
  CheckpointClock(double every_seconds, double max_hours);
  // What to do at this cycle boundary (reads the signal flags).
  Action poll();
  // Call after a checkpoint has been written: restarts the periodic timer.
  void written();
  // Why the last poll() asked to stop ("SIGTERM", "--max-hours 2").
  const std::string& stop_reason() const { return stop_reason_; }

 private:
  double every_, max_seconds_;
  std::chrono::steady_clock::time_point start_, last_;
  std::string stop_reason_;
};

// The header every checkpoint file carries: its kind ("explore"), the configuration hash, the
// configuration text (for the refusal message) and the program version.
void write_checkpoint_header(h5::File& f, const std::string& kind, std::uint64_t config_hash,
                             const std::string& config_text);
// Throws tlsx::Error naming the file when it is not a checkpoint of `kind` or when its hash
// differs from `config_hash`.
void check_checkpoint_header(const h5::File& f, const std::string& path, const std::string& kind,
                             std::uint64_t config_hash);

// How a checkpointed stage (prepare, explore, neb) runs: where and how often it checkpoints and
// when it stops early.
struct StageRunControl {
  std::string checkpoint_path;     // "" : no checkpoints
  double checkpoint_every = 600;   // seconds; <= 0: only on signals and at stops
  double max_hours = 0;            // <= 0: no limit
  std::int64_t stop_after = 0;     // > 0: stop (with a checkpoint) after this many steps of this call
  bool progress = true;
  std::function<void()> on_step;   // called after every step (tests, monitoring)
};

struct StageRunResult {
  bool complete = false;           // all the stage's work done
  std::string stop_reason;         // why it stopped early ("SIGTERM", "--stop-after 3")
  std::int64_t checkpoints_written = 0;
};

// A stage as the run loop sees it: a sequence of steps (a chunk, a cycle, a candidate pair), each
// of which ends at a boundary where the state can be checkpointed.
struct StageSteps {
  std::function<bool()> finished;
  std::function<void()> step;
  std::function<void(const std::string& path)> save_checkpoint;
  std::function<void(Progress&)> report;  // updates the progress line after a step
};

// Runs steps until the stage is finished or a stop is requested (SIGTERM/SIGINT, --max-hours,
// stop_after); writes checkpoints as CheckpointClock directs and at a stop. On completion the
// progress line is finished; at a stop it is only ended (a final line would report the whole run
// as done), and the caller says where it stopped.
StageRunResult run_checkpointed(const StageSteps& stage, Progress& progress, const StageRunControl& control);

}  // namespace tlsx
