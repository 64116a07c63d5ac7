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
#include "tlsx/pipeline/checkpoint.hpp"
#include "tlsx/pipeline/one_configuration.hpp"

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

// --backend auto|cpu|cuda and --threads (CPU threads; 0: all).
void add_backend_options(CLI::App* sub, std::string& backend, int& threads);

// The checkpoint options of the long stages (prepare, explore, neb; checkpoint.hpp).
struct CheckpointCli {
  std::string path;  // --checkpoint; "" : OUTPUT.ckpt
  double every = 600, max_hours = 0;
  std::int64_t stop_after = 0;
  bool resume = false, keep = false;

  // The run loop's settings (run_checkpointed).
  StageRunControl control() const;
};

// Adds --checkpoint, --checkpoint-every, --max-hours, --stop-after, --resume and --keep-checkpoint.
// `steps` names what --stop-after counts ("quenches").
void add_checkpoint_options(CLI::App* sub, CheckpointCli& c, const std::string& steps);
// Names the checkpoint OUTPUT.ckpt unless --checkpoint did, and checks it against --resume: with
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
