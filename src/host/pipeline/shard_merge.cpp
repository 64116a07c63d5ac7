#include "tlsx/pipeline/shard_merge.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <numeric>
#include <set>
#include <sstream>

#include "tlsx/core/error.hpp"
#include "tlsx/pipeline/library_merge.hpp"
#include "tlsx/pipeline/run_plan.hpp"
#include "tlsx/pipeline/shard_plan.hpp"

namespace tlsx {

namespace {

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

std::string read_text(const std::string& path, const std::string& label) {
  std::ifstream in(path);
  if (!in) throw Error(label + ": cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string folder_of(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

// Rows `rows` of a table of `count` rows whose column `v` holds v.size() / count values per row.
template <class T>
std::vector<T> take_rows(const std::vector<T>& v, const std::vector<std::size_t>& rows, std::size_t count) {
  if (count == 0 || v.empty()) return v;
  const std::size_t w = v.size() / count;
  std::vector<T> out;
  out.reserve(v.size());
  for (const std::size_t r : rows) out.insert(out.end(), v.begin() + r * w, v.begin() + (r + 1) * w);
  return out;
}

// The rows of a table, grouped by their glass's new row (stable: the order within a glass is kept),
// after `first`: rows with first(r) = false before those with true.
template <class First>
std::vector<std::size_t> grouped_rows(const std::vector<std::int64_t>& glass, const std::vector<std::int64_t>& new_row,
                                      First first) {
  std::vector<std::size_t> rows(glass.size());
  std::iota(rows.begin(), rows.end(), std::size_t{0});
  std::stable_sort(rows.begin(), rows.end(), [&](std::size_t a, std::size_t b) {
    const bool fa = first(a), fb = first(b);
    if (fa != fb) return !fa;
    return new_row[glass[a]] < new_row[glass[b]];
  });
  return rows;
}

std::vector<std::int64_t> renumbered(const std::vector<std::int64_t>& glass, const std::vector<std::size_t>& rows,
                                     const std::vector<std::int64_t>& new_row) {
  std::vector<std::int64_t> out;
  out.reserve(rows.size());
  for (const std::size_t r : rows) out.push_back(new_row[glass[r]]);
  return out;
}

std::string tf_text(double tf) { return shortest_decimal(tf); }

}  // namespace

Library order_glasses_by_id(const Library& lib) {
  const LibraryGlasses& sg = lib.glasses;
  const std::size_t G = sg.size();
  std::vector<std::size_t> order(G);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return sg.id[a] < sg.id[b]; });
  std::vector<std::int64_t> new_row(G);
  for (std::size_t k = 0; k < G; ++k) new_row[order[k]] = static_cast<std::int64_t>(k);

  Library out = lib;
  LibraryGlasses& g = out.glasses;
  g.id = take_rows(sg.id, order, G);
  g.fictive_temperature = take_rows(sg.fictive_temperature, order, G);
  g.exploration_temperature = take_rows(sg.exploration_temperature, order, G);
  g.dt = take_rows(sg.dt, order, G);
  g.tau_cg = take_rows(sg.tau_cg, order, G);
  g.quenches = take_rows(sg.quenches, order, G);
  g.failed_quenches = take_rows(sg.failed_quenches, order, G);
  g.n_is = take_rows(sg.n_is, order, G);
  g.n_candidates = take_rows(sg.n_candidates, order, G);
  g.initial_energy = take_rows(sg.initial_energy, order, G);
  g.species = take_rows(sg.species, order, G);

  // Inherent structures: the exploration's, glass after glass, then those the NEB stage found.
  const LibraryInherentStructures& si = lib.inherent_structures;
  const std::vector<std::size_t> is_rows =
      grouped_rows(si.glass, new_row, [&](std::size_t r) { return si.first_quench[r] < 0; });
  LibraryInherentStructures& is = out.inherent_structures;
  const std::size_t n_is = si.size(), row_width = 3 * static_cast<std::size_t>(lib.n);
  is.glass = renumbered(si.glass, is_rows, new_row);
  is.id = take_rows(si.id, is_rows, n_is);
  is.energy = take_rows(si.energy, is_rows, n_is);
  is.first_seen = take_rows(si.first_seen, is_rows, n_is);
  is.first_quench = take_rows(si.first_quench, is_rows, n_is);
  is.visits = take_rows(si.visits, is_rows, n_is);
  is.coordinate_row.clear();
  is.coordinates.clear();
  for (const std::size_t r : is_rows) {
    const std::int64_t c = si.coordinate_row[r];
    if (c < 0) {
      is.coordinate_row.push_back(-1);
      continue;
    }
    is.coordinate_row.push_back(static_cast<std::int64_t>(is.coordinates.size() / row_width));
    is.coordinates.insert(is.coordinates.end(), si.coordinates.begin() + c * row_width,
                          si.coordinates.begin() + (c + 1) * row_width);
  }

  const auto none = [](std::size_t) { return false; };
  const LibraryTransitions& st = lib.transitions;
  const std::vector<std::size_t> t_rows = grouped_rows(st.glass, new_row, none);
  LibraryTransitions& t = out.transitions;
  const std::size_t n_t = st.size();
  t.glass = renumbered(st.glass, t_rows, new_row);
  t.is_a = take_rows(st.is_a, t_rows, n_t);
  t.is_b = take_rows(st.is_b, t_rows, n_t);
  t.count_ab = take_rows(st.count_ab, t_rows, n_t);
  t.count_ba = take_rows(st.count_ba, t_rows, n_t);
  t.first_candidate_quench = take_rows(st.first_candidate_quench, t_rows, n_t);
  t.first_candidate_time = take_rows(st.first_candidate_time, t_rows, n_t);

  const LibraryExploration& se = lib.exploration;
  LibraryExploration& e = out.exploration;
  e.sequence.clear();
  e.sequence_offset.assign(1, 0);
  if (se.sequence_offset.size() == G + 1) {
    for (const std::size_t r : order) {
      e.sequence.insert(e.sequence.end(), se.sequence.begin() + se.sequence_offset[r],
                        se.sequence.begin() + se.sequence_offset[r + 1]);
      e.sequence_offset.push_back(static_cast<std::int64_t>(e.sequence.size()));
    }
  } else {
    e = se;  // no per-glass sequences (an empty library)
  }
  const std::vector<std::size_t> p_rows = grouped_rows(se.persistence_glass, new_row, none);
  e.persistence_glass = renumbered(se.persistence_glass, p_rows, new_row);
  e.persistence_quenches = take_rows(se.persistence_quenches, p_rows, se.persistence_glass.size());

  const LibraryDoubleWells& sw = lib.double_wells;
  LibraryDoubleWells& w = out.double_wells;
  const std::vector<std::size_t> w_rows = grouped_rows(sw.glass, new_row, none);
  const std::size_t n_w = sw.size();
  for_each_neb_column([&](const LibraryColumn& c, auto column) {
    if (std::string(c.name) == "glass")
      w.glass = renumbered(sw.glass, w_rows, new_row);
    else
      w.*column = take_rows(sw.*column, w_rows, n_w);
  });
  w.reason = take_rows(sw.reason, w_rows, n_w);
  for_each_splitting_column([&](const LibraryColumn&, auto column) { w.*column = take_rows(sw.*column, w_rows, n_w); });
  return out;
}

ShardMerge merge_shards(const std::string& run_dir, const std::string& preset_path) {
  const std::vector<int> on_disk = shard_indices_on_disk(run_dir);
  if (on_disk.empty())
    throw Error(run_dir + ": no shards in " + shards_directory(run_dir) + " (they come from tlsx run --shard K/N)");
  const ShardManifest first = read_shard_manifest(run_dir, on_disk.front());
  const int count = first.count;
  ShardMerge result;
  result.shards = count;
  result.preset_path = preset_path.empty() ? first.config_path : preset_path;
  result.preset_text = read_text(result.preset_path, "merge: the preset of " + shard_label(run_dir, on_disk.front()));
  const std::string& text = result.preset_text;
  const std::string base_dir = folder_of(result.preset_path);
  const RunPlan full = make_run_plan_from_text(text, result.preset_path, base_dir, run_dir);
  const std::string resume_hint = "tlsx run --config " + result.preset_path + " --output " + run_dir + " --shard ";

  // Every shard 0..N-1 of one run, each from this preset and this program, each finished.
  for (const int k : on_disk) {
    const std::string label = shard_label(run_dir, k);
    if (k >= count)
      throw Error(label + ": the shards of this run are numbered 0 to " + std::to_string(count - 1) +
                  " (shard.toml of " + shard_label(run_dir, on_disk.front()) + ")");
    const ShardManifest m = read_shard_manifest(run_dir, k);
    if (m.count != count)
      throw Error(label + ": shard " + std::to_string(k) + " of " + std::to_string(m.count) + " shards, but " +
                  shard_label(run_dir, on_disk.front()) + " is one of " + std::to_string(count));
    if (m.program_version != first.program_version)
      throw Error(label + ": run by tlsx " + m.program_version + ", " + shard_label(run_dir, on_disk.front()) +
                  " by tlsx " + first.program_version + ": one library needs one program version");
  }
  for (int k = 0; k < count; ++k)
    if (!std::binary_search(on_disk.begin(), on_disk.end(), k))
      throw Error(shard_label(run_dir, k) + ": missing; run it with: " + resume_hint + std::to_string(k) + "/" +
                  std::to_string(count));
  std::vector<RunPlan> plans;
  for (int k = 0; k < count; ++k) {
    const std::string label = shard_label(run_dir, k);
    if (read_text(shard_directory(run_dir, k) + "/run.toml", label) != text)
      throw Error(label + ": started from another preset (its run.toml differs from " + result.preset_path + ")");
    plans.push_back(shard_run_plan(text, result.preset_path, base_dir, run_dir, k, count));
    for (const StageInvocation& s : plans.back().stages)
      if (!exists(s.output))
        throw Error(label + ": not finished (" + s.label + " has no output " + s.output +
                    "); continue it with: " + resume_hint + std::to_string(k) + "/" + std::to_string(count) +
                    " --resume");
  }

  // Column by column: each shard's part, every glass of the column exactly once.
  std::vector<Library> columns;
  std::vector<std::string> column_names;
  std::string reference_name, reference_version, reference_model;  // the first part read
  for (const RunColumn& col : full.columns) {
    const std::string tf = tf_text(col.fictive_temperature);
    const std::vector<std::int64_t> expected = column_glass_ids(col);
    const std::set<std::int64_t> wanted(expected.begin(), expected.end());
    std::map<std::int64_t, std::string> owner;
    std::vector<Library> parts;
    std::vector<std::string> names;
    for (int k = 0; k < count; ++k) {
      for (const RunColumn& sc : plans[static_cast<std::size_t>(k)].columns) {
        if (sc.fictive_temperature != col.fictive_temperature) continue;
        const std::string file = sc.directory + "/library.h5";
        const std::string label = "shard " + std::to_string(k) + " (" + file + ")";
        parts.push_back(read_library(file));
        const Library& p = parts.back();
        if (reference_name.empty()) {
          reference_name = label;
          reference_version = p.program_version;
          reference_model = p.model_toml;
        }
        if (p.program_version != reference_version)
          throw Error(label + ": written by tlsx " + p.program_version + ", " + reference_name + " by tlsx " +
                      reference_version + ": one library needs one program version");
        if (p.model_toml != reference_model) throw Error(label + ": made with another model than " + reference_name);
        for (std::size_t g = 0; g < p.glasses.size(); ++g) {
          const std::int64_t id = p.glasses.id[g];
          const std::string glass = "glass " + std::to_string(id) + " at T_f = " + tf_text(p.glasses.fictive_temperature[g]);
          if (p.glasses.fictive_temperature[g] != col.fictive_temperature || !wanted.count(id))
            throw Error(label + ": holds " + glass + ", which is not a glass of the preset's column T_f = " + tf);
          const auto [it, fresh] = owner.emplace(id, label);
          if (!fresh) throw Error(label + ": " + glass + " is also in " + it->second);
        }
        names.push_back(label);
      }
    }
    for (const std::int64_t id : expected)
      if (!owner.count(id)) {
        const int k = static_cast<int>((id - col.first_glass) % count);
        throw Error(shard_label(run_dir, k) + ": glass " + std::to_string(id) + " at T_f = " + tf +
                    " is missing from its library");
      }
    columns.push_back(order_glasses_by_id(merge_libraries(parts, names)));
    column_names.push_back("T_f = " + tf);
  }
  result.library = merge_libraries(columns, column_names);
  result.library.config_run = text;
  return result;
}

}  // namespace tlsx
