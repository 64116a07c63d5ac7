// tlsx merge A.h5 B.h5 ... -o OUT.h5 [--json]
// Concatenates double-well libraries of the same model and stage (shards of glasses run as separate
// jobs, or the T_f columns of Table I) into one library; see docs/pipeline.md.
#include <cstdio>
#include <fstream>
#include <sstream>
#include <memory>

#include "cli_common.hpp"
#include "tlsx/core/error.hpp"
#include "tlsx/core/json.hpp"
#include "tlsx/pipeline/library_merge.hpp"

namespace {

struct MergeCli {
  std::vector<std::string> inputs;
  std::string output, run_config;
  bool json = false;
};

void run_merge(const MergeCli& c) {
  std::vector<tlsx::Library> parts;
  parts.reserve(c.inputs.size());
  for (const std::string& path : c.inputs) parts.push_back(tlsx::read_library(path));
  tlsx::Library merged = tlsx::merge_libraries(parts, c.inputs);
  if (!c.run_config.empty()) {
    std::ifstream in(c.run_config);
    if (!in) throw tlsx::input_error(c.run_config, 0, "cannot open file");
    std::ostringstream text;
    text << in.rdbuf();
    merged.config_run = text.str();
  }
  const std::size_t glasses = merged.glasses.size(), is = merged.inherent_structures.size(),
                    dws = merged.double_wells.size();
  const std::string stage = merged.stage;
  tlsx::write_library(c.output, std::move(merged));
  std::fprintf(stderr, "merge: wrote %s: %zu libraries, %zu glasses, %zu IS, %zu double-well rows (stage %s)\n",
               c.output.c_str(), c.inputs.size(), glasses, is, dws, stage.c_str());
  if (c.json) {
    tlsx::JsonObject j;
    j.add("output", c.output)
        .add("inputs", static_cast<long long>(c.inputs.size()))
        .add("stage", stage)
        .add("glasses", static_cast<long long>(glasses))
        .add("inherent_structures", static_cast<long long>(is))
        .add("double_wells", static_cast<long long>(dws));
    tlsx::cli::print_json(j.str());
  }
}

const tlsx::cli::Registrar reg{[](CLI::App& app) {
  auto c = std::make_shared<MergeCli>();
  CLI::App* sub = app.add_subcommand("merge", "Concatenate double-well libraries (glass shards or T_f columns) into one");
  sub->add_option("inputs", c->inputs, "Libraries to merge (same model, particle number and stage)")
      ->required()->check(CLI::ExistingFile);
  sub->add_option("-o,--output", c->output, "Merged library (HDF5)")->required();
  sub->add_option("--run-config", c->run_config, "Store this tlsx run preset (TOML) in the root attribute config_run");
  sub->add_flag("--json", c->json, "Print one JSON object on stdout");
  sub->callback([c] { run_merge(*c); });
}};

}  // namespace
