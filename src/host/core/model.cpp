#include "tlsx/model/model.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <toml++/toml.h>

#include "tlsx/core/error.hpp"

namespace tlsx {

namespace {

const char* kKa2Toml = R"(name = "KA2"
density = 1.35
cutoff_ratio = 2.5
[[species]]
name = "A"
element = "Ni"
fraction = 0.6666666666666666
mass = 1.0
[[species]]
name = "B"
element = "P"
fraction = 0.16666666666666666
mass = 1.0
[[species]]
name = "C"
element = "Co"
fraction = 0.16666666666666666
mass = 1.0
[epsilon]
A-A = 1.0
A-B = 1.5
A-C = 1.25
B-B = 0.5
B-C = 1.0
C-C = 0.75
[sigma]
A-A = 1.0
A-B = 0.8
A-C = 0.9
B-B = 0.88
B-C = 0.84
C-C = 0.94
)";

double positive(const std::string& file, const std::string& field, std::optional<double> v) {
  if (!v) throw input_error(file, 0, "missing or non-numeric field '" + field + "'");
  if (!std::isfinite(*v) || *v <= 0.0) throw input_error(file, 0, "field '" + field + "' must be positive");
  return *v;
}

Model model_from_table(const toml::table& t, const std::string& file) {
  Model m;
  m.source = file;
  // Optional fields default when absent, but a value of the wrong type is an error, not the default.
  if (t.contains("name") && !t["name"].is_string()) throw input_error(file, 0, "field 'name' must be a string");
  m.name = t["name"].value_or(std::string("unnamed"));
  m.density = positive(file, "density", t["density"].value<double>());
  m.cutoff_ratio = positive(file, "cutoff_ratio", t["cutoff_ratio"].value<double>());
  const toml::array* species = t["species"].as_array();
  if (!species || species->empty()) throw input_error(file, 0, "missing [[species]] entries");
  if (static_cast<int>(species->size()) > kMaxSpecies)
    throw input_error(file, 0, "at most " + std::to_string(kMaxSpecies) + " species are supported");
  double total = 0.0;
  for (std::size_t k = 0; k < species->size(); ++k) {
    const toml::table* s = species->get(k)->as_table();
    const std::string where = "species[" + std::to_string(k) + "]";
    if (!s) throw input_error(file, 0, where + " is not a table");
    Species sp;
    auto name = (*s)["name"].value<std::string>();
    if (!name || name->empty()) throw input_error(file, 0, "missing field '" + where + ".name'");
    sp.name = *name;
    if (s->contains("element") && !(*s)["element"].is_string())
      throw input_error(file, 0, "field '" + where + ".element' must be a string");
    if (s->contains("mass") && !(*s)["mass"].is_number())
      throw input_error(file, 0, "field '" + where + ".mass' must be a number");
    sp.element = (*s)["element"].value_or(sp.name);
    sp.fraction = positive(file, where + ".fraction", (*s)["fraction"].value<double>());
    sp.mass = positive(file, where + ".mass", (*s)["mass"].value_or(1.0));
    for (const Species& other : m.species)
      if (other.name == sp.name) throw input_error(file, 0, "duplicate species name '" + sp.name + "'");
    total += sp.fraction;
    m.species.push_back(sp);
  }
  if (std::fabs(total - 1.0) > 1e-6) throw input_error(file, 0, "species fractions add up to " + std::to_string(total) + ", not 1");
  for (const Species& s : m.species)
    if (s.mass != m.species[0].mass)
      throw input_error(file, 0, "species masses differ: swap Monte Carlo and the quantum mass scale assume equal masses");
  const int n = m.n_species();
  auto read_pairs = [&](const char* section, std::vector<double>& out) {
    out.assign(n * n, std::nan(""));
    const toml::table* tab = t[section].as_table();
    if (!tab) throw input_error(file, 0, std::string("missing [") + section + "] table");
    for (auto&& [key, node] : *tab) {
      const std::string k(key.str());
      const std::size_t dash = k.find('-');
      const std::string field = std::string(section) + "." + k;
      if (dash == std::string::npos) throw input_error(file, 0, "field '" + field + "': pair keys look like A-B");
      const int a = m.species_index(k.substr(0, dash)), b = m.species_index(k.substr(dash + 1));
      if (a < 0 || b < 0) throw input_error(file, 0, "field '" + field + "' names an unknown species");
      const double v = positive(file, field, node.value<double>());
      if (!std::isnan(out[a * n + b])) throw input_error(file, 0, "field '" + field + "' given twice");
      out[a * n + b] = out[b * n + a] = v;
    }
    for (int a = 0; a < n; ++a)
      for (int b = 0; b < n; ++b)
        if (std::isnan(out[a * n + b]))
          throw input_error(file, 0, std::string("missing field '") + section + "." + m.species[a].name + "-" +
                                         m.species[b].name + "'");
  };
  read_pairs("epsilon", m.epsilon);
  read_pairs("sigma", m.sigma);
  return m;
}

}  // namespace

PairTable Model::pair_table() const {
  PairTable t;
  t.n_species = n_species();
  t.max_cutoff = 0.0;
  for (int a = 0; a < n_species(); ++a)
    for (int b = 0; b < n_species(); ++b) {
      t.pair[a * kMaxSpecies + b] = SmoothedLJPair::make(eps(a, b), sig(a, b), cutoff_ratio);
      t.max_cutoff = std::max(t.max_cutoff, cutoff_ratio * sig(a, b));
    }
  return t;
}

int Model::species_index(const std::string& s) const {
  for (int k = 0; k < n_species(); ++k)
    if (species[k].name == s) return k;
  // 1-based LAMMPS type number.
  if (!s.empty() && std::all_of(s.begin(), s.end(), ::isdigit)) {
    const long t = std::strtol(s.c_str(), nullptr, 10);
    if (t >= 1 && t <= n_species()) return static_cast<int>(t - 1);
  }
  return -1;
}

std::vector<int> Model::composition(int n) const {
  std::vector<int> counts(n_species());
  std::vector<std::pair<double, int>> remainders;
  int assigned = 0;
  for (int k = 0; k < n_species(); ++k) {
    const double exact = species[k].fraction * n;
    counts[k] = static_cast<int>(std::floor(exact + 1e-9));
    assigned += counts[k];
    remainders.push_back({exact - counts[k], k});
  }
  std::sort(remainders.begin(), remainders.end(), [](auto& x, auto& y) { return x.first > y.first; });
  for (int k = 0; assigned < n; ++k, ++assigned) counts[remainders[k % remainders.size()].second]++;
  return counts;
}

double Model::box_length(int n) const { return std::cbrt(n / density); }

Model load_model(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw input_error(path, 0, "cannot open model file");
  try {
    toml::table t = toml::parse(in, path);
    return model_from_table(t, path);
  } catch (const toml::parse_error& e) {
    throw input_error(path, static_cast<long>(e.source().begin.line), std::string(e.description()));
  }
}

std::string model_to_toml(const Model& m) {
  std::ostringstream out;
  out.precision(17);
  out << "name = " << toml::value<std::string>(m.name) << "\n";
  out << "density = " << m.density << "\ncutoff_ratio = " << m.cutoff_ratio << "\n";
  for (const Species& s : m.species)
    out << "[[species]]\nname = " << toml::value<std::string>(s.name) << "\nelement = "
        << toml::value<std::string>(s.element) << "\nfraction = " << s.fraction << "\nmass = " << s.mass << "\n";
  for (const char* section : {"epsilon", "sigma"}) {
    out << "[" << section << "]\n";
    for (int a = 0; a < m.n_species(); ++a)
      for (int b = a; b < m.n_species(); ++b)
        // The key quoted and escaped as a TOML string: a species name may hold quotes or backslashes.
        out << toml::value<std::string>(m.species[a].name + "-" + m.species[b].name)
            << " = " << (section[0] == 'e' ? m.eps(a, b) : m.sig(a, b)) << "\n";
  }
  return out.str();
}

Model model_from_toml_text(const std::string& text, const std::string& source) {
  try {
    toml::table t = toml::parse(std::string_view(text), std::string_view(source));
    return model_from_table(t, source);
  } catch (const toml::parse_error& e) {
    throw input_error(source, static_cast<long>(e.source().begin.line), std::string(e.description()));
  }
}

Model ka2_model() {
  toml::table t = toml::parse(std::string_view(kKa2Toml), std::string_view("built-in KA2"));
  return model_from_table(t, "built-in KA2");
}

Model resolve_model(const std::string& name_or_path) {
  if (name_or_path.empty() || name_or_path == "ka2" || name_or_path == "KA2") return ka2_model();
  return load_model(name_or_path);
}

}  // namespace tlsx
