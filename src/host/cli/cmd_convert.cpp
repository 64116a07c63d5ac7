// tlsx convert IN OUT [--model M]
// Converts a configuration between LAMMPS data, extended XYZ and H5MD; the formats follow from the
// extensions (docs/cli-energy-convert.md, docs/io.md). The input is validated like every command's.
#include <cstdio>

#include "cli_common.hpp"

namespace {

struct ConvertOptions {
  std::string input, output, model;
};

void run_convert(const ConvertOptions& o) {
  const tlsx::Model model = tlsx::resolve_model(o.model);
  const tlsx::Configuration c = tlsx::cli::load_configuration(o.input, model);
  tlsx::write_configuration(o.output, c, model);
  std::fprintf(stderr, "convert: %s -> %s (%d particles%s, model %s)\n", o.input.c_str(), o.output.c_str(), c.n(),
               c.has_velocities() ? ", with velocities" : "", model.name.c_str());
}

const tlsx::cli::Registrar reg{[](CLI::App& app) {
  auto o = std::make_shared<ConvertOptions>();
  CLI::App* sub = app.add_subcommand("convert", "Convert a configuration between LAMMPS data, extended XYZ and H5MD");
  sub->add_option("input", o->input, "Input configuration (.data/.lmp, .xyz/.extxyz, .h5/.hdf5/.h5md)")->required();
  sub->add_option("output", o->output, "Output configuration (format from the extension)")->required();
  sub->add_option("--model", o->model, "Model file (TOML); default: built-in KA2");
  sub->callback([o] { run_convert(*o); });
}};

}  // namespace
