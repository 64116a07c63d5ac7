// tlsx energy FILE [--model M] [--json]
// Potential energy, virial pressure and largest force component of one configuration
// (docs/cli-energy-convert.md). The numbers are those of LAMMPS's thermo keywords pe (with
// thermo_modify norm yes), the virial part of press, and fmax.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "cli_common.hpp"
#include "tlsx/backend/cpu_backend.hpp"
#include "tlsx/core/json.hpp"

namespace {

struct EnergyOptions {
  std::string input, model;
  bool json = false;
};

void run_energy(const EnergyOptions& o) {
  const tlsx::Model model = tlsx::resolve_model(o.model);
  const tlsx::Configuration c = tlsx::cli::load_configuration(o.input, model);
  tlsx::ReplicaBatch batch = tlsx::cli::batch_from_configuration(c, model);
  tlsx::CpuBackend cpu(1);
  const tlsx::ForceResult f = cpu.forces(batch, model.pair_table())[0];
  const int n = c.n();
  const double* force = batch.force(0);
  const double max_force = std::abs(*std::max_element(force, force + 3 * n, [](double a, double b) {
    return std::abs(a) < std::abs(b);
  }));
  // Virial pressure W / (3V) with W = sum_{i<j} r_ij . f_ij; the kinetic part N k T / V is left out.
  const double pressure = f.virial / (3.0 * c.box.volume());
  const double* l = c.box.length;
  std::fprintf(stderr, "energy: %s (%d particles, model %s)\n", o.input.c_str(), n, model.name.c_str());
  std::fprintf(stderr, "  %-20s %.10g x %.10g x %.10g\n", "box", l[0], l[1], l[2]);
  std::fprintf(stderr, "  %-20s %.15g\n", "energy / particle", f.energy / n);
  std::fprintf(stderr, "  %-20s %.15g\n", "virial pressure", pressure);
  std::fprintf(stderr, "  %-20s %.10g\n", "max force component", max_force);
  if (o.json) {
    tlsx::JsonObject j;
    j.add("n", n)
        .add("box", std::vector<double>{l[0], l[1], l[2]})
        .add("energy", f.energy)
        .add("energy_per_particle", f.energy / n)
        .add("virial_pressure", pressure)
        .add("max_force", max_force)
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
