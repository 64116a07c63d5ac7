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

#include "tlsx/engine/replica_batch.hpp"
#include "tlsx/io/configuration.hpp"

namespace tlsx::cli {

// Neighbour-list skin (sigma) used by the commands: rebuilds when a particle moved skin/2.
constexpr double kDefaultSkin = 0.3;

// A one-replica batch holding configuration c (velocities copied when present).
ReplicaBatch batch_from_configuration(const Configuration& c, const Model& model, double skin = kDefaultSkin);
// Copies replica r's positions, velocities and species back into c.
void store_replica(ReplicaBatch& batch, int r, Configuration& c, bool with_velocities);

// Reads and validates a configuration file against the model (box size, overlaps, species).
Configuration load_configuration(const std::string& path, const Model& model);

// Prints one JSON object on stdout (the --json contract).
void print_json(const std::string& json);

}  // namespace tlsx::cli
