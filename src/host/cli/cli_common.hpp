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
