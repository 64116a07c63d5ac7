#include "tlsx/pipeline/library_merge.hpp"

#include <cmath>
#include <map>
#include <utility>

#include "tlsx/core/error.hpp"

namespace tlsx {

namespace {

template <class T>
void append(std::vector<T>& to, const std::vector<T>& from) {
  to.insert(to.end(), from.begin(), from.end());
}

template <class T>
void append_shifted(std::vector<T>& to, const std::vector<T>& from, T shift, bool keep_negative = false) {
  for (const T& v : from) to.push_back(keep_negative && v < 0 ? v : v + shift);
}

void require_same(bool same, const std::string& name, const std::string& what) {
  if (!same) throw input_error(name, 0, "cannot merge: " + what + " differs from the first library");
}

std::string merged_config(const std::vector<Library>& parts, std::string Library::*field) {
  const std::string& first = parts[0].*field;
  bool all_same = true;
  for (const Library& p : parts) all_same = all_same && p.*field == first;
  if (all_same) return first;
  std::string out;
  for (std::size_t k = 0; k < parts.size(); ++k)
    out += "# merged part " + std::to_string(k) + "\n" + parts[k].*field + ((parts[k].*field).empty() ? "" : "\n");
  return out;
}

}  // namespace

Library merge_libraries(const std::vector<Library>& parts, const std::vector<std::string>& names) {
  if (parts.empty()) throw Error("merge: no libraries given");
  const Library& first = parts[0];
  Library out;
  out.stage = first.stage;
  out.model_toml = first.model_toml;
  out.n = first.n;
  out.box = first.box;
  out.masses = first.masses;
  out.T_Q = first.T_Q;
  out.double_wells.images = first.double_wells.images;
  std::map<std::pair<std::int64_t, double>, std::string> seen_glasses;
  for (std::size_t k = 0; k < parts.size(); ++k) {
    const Library& p = parts[k];
    const std::string& name = k < names.size() ? names[k] : "library " + std::to_string(k);
    require_same(p.stage == first.stage, name, "the pipeline stage ('" + p.stage + "' vs '" + first.stage + "')");
    require_same(p.model_toml == first.model_toml, name, "the model");
    require_same(p.n == first.n, name, "the particle number");
    for (int d = 0; d < 3; ++d) require_same(p.box.length[d] == first.box.length[d], name, "the box");
    require_same(p.masses == first.masses, name, "the list of masses");
    require_same(p.double_wells.size() == 0 || first.double_wells.size() == 0 ||
                     p.double_wells.images == first.double_wells.images,
                 name, "the number of MEP images");
    if (out.double_wells.size() == 0 && p.double_wells.size() > 0) out.double_wells.images = p.double_wells.images;
    for (std::size_t g = 0; g < p.glasses.size(); ++g) {
      const auto key = std::make_pair(p.glasses.id[g], p.glasses.fictive_temperature[g]);
      auto [it, fresh] = seen_glasses.emplace(key, name);
      if (!fresh)
        throw input_error(name, 0, "cannot merge: glass " + std::to_string(key.first) + " at T_f = " +
                                       std::to_string(key.second) + " is also in " + it->second);
    }

    const std::int64_t glass_shift = static_cast<std::int64_t>(out.glasses.size());
    const std::int64_t coordinate_shift =
        static_cast<std::int64_t>(out.inherent_structures.coordinates.size() / (3 * static_cast<std::size_t>(out.n)));

    LibraryGlasses& g = out.glasses;
    append(g.id, p.glasses.id);
    append(g.fictive_temperature, p.glasses.fictive_temperature);
    append(g.exploration_temperature, p.glasses.exploration_temperature);
    append(g.dt, p.glasses.dt);
    append(g.tau_cg, p.glasses.tau_cg);
    append(g.quenches, p.glasses.quenches);
    append(g.failed_quenches, p.glasses.failed_quenches);
    append(g.n_is, p.glasses.n_is);
    append(g.n_candidates, p.glasses.n_candidates);
    append(g.initial_energy, p.glasses.initial_energy);
    append(g.status, p.glasses.status.empty() ? std::vector<std::int32_t>(p.glasses.size(), 0) : p.glasses.status);
    append(g.species, p.glasses.species);

    LibraryInherentStructures& is = out.inherent_structures;
    append_shifted(is.glass, p.inherent_structures.glass, glass_shift);
    append(is.id, p.inherent_structures.id);
    append(is.energy, p.inherent_structures.energy);
    append(is.first_seen, p.inherent_structures.first_seen);
    append(is.first_quench, p.inherent_structures.first_quench);
    append(is.visits, p.inherent_structures.visits);
    append_shifted(is.coordinate_row, p.inherent_structures.coordinate_row, coordinate_shift, true);
    append(is.coordinates, p.inherent_structures.coordinates);

    LibraryTransitions& t = out.transitions;
    append_shifted(t.glass, p.transitions.glass, glass_shift);
    append(t.is_a, p.transitions.is_a);
    append(t.is_b, p.transitions.is_b);
    append(t.count_ab, p.transitions.count_ab);
    append(t.count_ba, p.transitions.count_ba);
    append(t.first_candidate_quench, p.transitions.first_candidate_quench);
    append(t.first_candidate_time, p.transitions.first_candidate_time);

    LibraryExploration& e = out.exploration;
    const std::int64_t sequence_shift = static_cast<std::int64_t>(e.sequence.size());
    append(e.sequence, p.exploration.sequence);
    if (e.sequence_offset.empty()) e.sequence_offset.push_back(0);
    for (std::size_t j = 1; j < p.exploration.sequence_offset.size(); ++j)
      e.sequence_offset.push_back(p.exploration.sequence_offset[j] + sequence_shift);
    append_shifted(e.persistence_glass, p.exploration.persistence_glass, glass_shift);
    append(e.persistence_quenches, p.exploration.persistence_quenches);

    LibraryDoubleWells& w = out.double_wells;
    const LibraryDoubleWells& q = p.double_wells;
    for_each_neb_column([&](const LibraryColumn& c, auto column) {
      if (std::string(c.name) == "glass")
        append_shifted(w.glass, q.glass, glass_shift);
      else
        append(w.*column, q.*column);
    });
    append(w.reason, q.reason);
    for_each_splitting_column([&](const LibraryColumn&, auto column) { append(w.*column, q.*column); });
  }
  if (out.exploration.sequence_offset.empty()) out.exploration.sequence_offset.push_back(0);
  out.config_prepare = merged_config(parts, &Library::config_prepare);
  out.config_explore = merged_config(parts, &Library::config_explore);
  out.config_neb = merged_config(parts, &Library::config_neb);
  out.config_splitting = merged_config(parts, &Library::config_splitting);
  out.config_run = merged_config(parts, &Library::config_run);
  return out;
}

}  // namespace tlsx
