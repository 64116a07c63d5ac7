// tlsx energy FILE [--model M] [--json]
// Potential energy, virial pressure and largest force component of one configuration
// (docs/cli-energy-convert.md). The numbers are those of LAMMPS's thermo keywords pe (with
// thermo_modify norm yes), the virial part of press, and fmax.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "cli_common.hpp"
#include "tlsx/core/json.hpp"

namespace {

struct EnergyOptions {
  std::string input, model;
  bool json = false;
};

void run_energy(const EnergyOptions& o) {
  const tlsx::Model model = tlsx::resolve_model(o.model);
  const tlsx::Configuration c = tlsx::cli::load_configuration(o.input, model);
  const tlsx::ConfigurationEnergy e = tlsx::configuration_energy(c, model);
  const int n = c.n();
  const double* l = c.box.length;
  std::fprintf(stderr, "energy: %s (%d particles, model %s)\n", o.input.c_str(), n, model.name.c_str());
  std::fprintf(stderr, "  %-20s %.10g x %.10g x %.10g\n", "box", l[0], l[1], l[2]);
  std::fprintf(stderr, "  %-20s %.15g\n", "energy / particle", e.energy / n);
  std::fprintf(stderr, "  %-20s %.15g\n", "virial pressure", e.virial_pressure);
  std::fprintf(stderr, "  %-20s %.10g\n", "max force component", e.max_force);
  if (o.json) {
    tlsx::JsonObject j;
    j.add("n", n)
        .add("box", std::vector<double>{l[0], l[1], l[2]})
        .add("energy", e.energy)
        .add("energy_per_particle", e.energy / n)
        .add("virial_pressure", e.virial_pressure)
        .add("max_force", e.max_force)
        .add("model", model.name);
    tlsx::cli::print_json(j.str());
  }
}

const tlsx::cli::Registrar reg{[](CLI::App& app) {
  auto o = std::make_shared<EnergyOptions>();
  CLI::App* sub = app.add_subcommand("energy", "Potential energy, virial pressure and largest force of a configuration");
  sub->add_option("file", o->input, "Configuration (.data/.lmp, .xyz/.extxyz, .h5/.hdf5)")->required();
  sub->add_option("--model", o->model, "Model file (TOML); default: built-in KA2");
  sub->add_flag("--json", o->json, "Print one JSON object on stdout");
  sub->callback([o] { run_energy(*o); });
}};

}  // namespace
