#pragma once
// A multi-component smoothed-LJ model (the default is KA2, configs/ka2.toml): species, their
// composition, the pair table, density and masses. Plain data, copied by value to the device.
#include <string>
#include <vector>

#include "tlsx/core/hd.hpp"
#include "tlsx/model/smoothed_lj.hpp"

namespace tlsx {

constexpr int kMaxSpecies = 8;

// What the replica algorithms see: the pair table, indexed [a * kMaxSpecies + b].
struct PairTable {
  int n_species = 0;
  double max_cutoff = 0.0;  // largest x_c sigma_ij over all pairs
  SmoothedLJPair pair[kMaxSpecies * kMaxSpecies];

  TLSX_HD TLSX_INLINE const SmoothedLJPair& operator()(int a, int b) const { return pair[a * kMaxSpecies + b]; }
};

struct Species {
  std::string name;     // "A", "B", "C"
  std::string element;  // export symbol for extended XYZ (ASE), like LAMMPS's dump_modify element
  double fraction = 0;  // number fraction N_s / N
  double mass = 1.0;
};

struct Model {
  std::string name;
  std::string source;  // file the model was read from
  std::vector<Species> species;
  std::vector<double> epsilon;  // n x n, symmetric
  std::vector<double> sigma;    // n x n, symmetric
  double cutoff_ratio = 2.5;    // x_c
  double density = 1.35;

  int n_species() const { return static_cast<int>(species.size()); }
  double eps(int a, int b) const { return epsilon[a * n_species() + b]; }
  double sig(int a, int b) const { return sigma[a * n_species() + b]; }
  PairTable pair_table() const;
  // Species index of a name ("A") or 1-based LAMMPS type ("1"); -1 when unknown.
  int species_index(const std::string& name_or_type) const;
  // Counts per species for n particles, rounding so they add up to n (largest remainder).
  std::vector<int> composition(int n) const;
  // Cubic box edge for n particles at the model's density.
  double box_length(int n) const;
};

// Reads a model file (TOML, see configs/ka2.toml). Errors name the file and the field.
Model load_model(const std::string& path);
// The model as TOML text (stored in output files so that they are self-describing) and back.
std::string model_to_toml(const Model& m);
Model model_from_toml_text(const std::string& text, const std::string& source);
// The built-in KA2 model (identical to configs/ka2.toml) for when no file is given.
Model ka2_model();
// Resolves "ka2", a path, or "" (-> ka2).
Model resolve_model(const std::string& name_or_path);

}  // namespace tlsx
