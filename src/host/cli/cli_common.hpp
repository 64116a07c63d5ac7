#pragma once
// Shared pieces of the subcommands: self-registration, the version line.
#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

namespace tlsx::cli {

using AddCommand = std::function<void(CLI::App&)>;

std::vector<AddCommand>& commands();

// A file-scope `static const Registrar r{[](CLI::App& app) {...}};` adds a subcommand.
struct Registrar {
  explicit Registrar(AddCommand add) { commands().push_back(std::move(add)); }
};

// "tlsx 0.1.0 (CUDA support: compiled in, device: NVIDIA H100 ...)".
std::string version_string();

}  // namespace tlsx::cli

#include "tlsx/core/json.hpp"
#include "tlsx/engine/replica_batch.hpp"
#include "tlsx/io/configuration.hpp"
#include "tlsx/io/output_lock.hpp"
#include "tlsx/pipeline/checkpoint.hpp"
#include "tlsx/pipeline/one_configuration.hpp"

#include <algorithm>
#include <limits>
#include <memory>
#include <type_traits>

namespace tlsx::cli {

// Neighbour-list skin (sigma) used by the commands: rebuilds when a particle moved skin/2.
constexpr double kDefaultSkin = kConfigurationSkin;

// One-replica batches of a configuration and back (pipeline/one_configuration.hpp).
using tlsx::batch_from_configuration;
using tlsx::store_replica;

// Reads and validates a configuration file against the model (box size, overlaps, species).
Configuration load_configuration(const std::string& path, const Model& model);

// Prints one JSON object on stdout (the --json contract).
void print_json(const std::string& json);

bool file_exists(const std::string& path);

// Readable range checks for numeric options, in place of CLI11's PositiveNumber / NonNegativeNumber
// (whose messages print the double range to 309 digits). The kind follows the option's variable:
//   integers: "--glasses: must be at least 1", "--n: expected a positive integer, got \"many\""
//   reals:    "--dt: must be positive, got 0",  "--dt: expected a positive number, got \"fast\""
// Non-finite reals (nan, inf) are refused. `tlsx run` applies the same checks to preset values.
CLI::Validator integer_check(bool positive, long long max);
CLI::Validator real_check(bool positive);

template <class T>
long long largest_value() {
  return static_cast<long long>(
      std::min<unsigned long long>(std::numeric_limits<T>::max(), std::numeric_limits<long long>::max()));
}
template <class T>
CLI::Validator positive(const T&) {
  if constexpr (std::is_integral_v<T>) return integer_check(true, largest_value<T>());
  else return real_check(true);
}
template <class T>
CLI::Validator non_negative(const T&) {
  if constexpr (std::is_integral_v<T>) return integer_check(false, largest_value<T>());
  else return real_check(false);
}

// --backend auto|cpu|cuda and --threads (CPU threads; 0: all).
void add_backend_options(CLI::App* sub, std::string& backend, int& threads);

// The checkpoint options of the long stages (prepare, explore, neb; checkpoint.hpp).
struct CheckpointCli {
  std::string path;  // --checkpoint; "" : OUTPUT.ckpt
  double every = 600, max_hours = 0;
  std::int64_t stop_after = 0;
  bool resume = false, keep = false;
  // Held from check_resume until the stage is done: one process per output (io/output_lock.hpp).
  std::shared_ptr<OutputLock> lock;

  // The run loop's settings (run_checkpointed).
  StageRunControl control() const;
};

// Adds --checkpoint, --checkpoint-every, --max-hours, --stop-after, --resume and --keep-checkpoint.
// `steps` names what --stop-after counts ("quenches").
void add_checkpoint_options(CLI::App* sub, CheckpointCli& c, const std::string& steps);
// Takes the lock OUTPUT.lock (another process working on the output is refused, naming its pid),
// names the checkpoint OUTPUT.ckpt unless --checkpoint did, and checks it against --resume: with
// --resume it must exist, without it must not (a tlsx::Error prefixed by the stage's name).
void check_resume(CheckpointCli& c, const std::string& stage, const std::string& output);
// After the output is written: removes the checkpoint unless --keep-checkpoint.
void finish_checkpoint(const CheckpointCli& c);
// After a stop: "explore: stopped (SIGTERM) after 3 of 10 quenches; checkpoint ...; continue ..." on stderr.
void report_stop(const std::string& stage, const StageRunResult& r, long long done, long long total,
                 const std::string& unit, const CheckpointCli& c);
// The first keys of a stage's --json object: output ("" when stopped), complete, stop_reason, checkpoint.
JsonObject stage_run_json(const StageRunResult& r, const std::string& output, const CheckpointCli& c);

}  // namespace tlsx::cli
