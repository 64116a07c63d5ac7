#include "tlsx/pipeline/run_plan.hpp"

#include <toml++/toml.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include "tlsx/core/error.hpp"
#include "tlsx/pipeline/shard_plan.hpp"

namespace tlsx {

std::string shortest_decimal(double v) {
  char buf[40];
  if (v == std::floor(v) && std::fabs(v) < 1e15) {  // whole numbers without an exponent: 5250, not 5.25e+03
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
  }
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

namespace {

// The stages whose options a config table may carry, in pipeline order.
const char* const kStageTables[] = {"prepare", "explore", "neb", "splitting", "analyze"};

// Options that `tlsx run` sets itself: a stage table must not set them.
const std::set<std::string> kReserved = {"output",     "o",          "config",         "resume",
                                         "checkpoint", "json",       "report",         "checkpoint_every",
                                         "max_hours",  "stop_after", "keep_checkpoint"};

struct Source {
  std::string name;
  int line(const toml::node& n) const { return static_cast<int>(n.source().begin.line); }
};

std::string dashed(std::string key) {
  for (char& c : key)
    if (c == '_') c = '-';
  return key;
}

std::string scalar_text(const toml::node& v, const Source& src, const std::string& where) {
  if (const auto* i = v.as_integer()) return std::to_string(i->get());
  if (const auto* f = v.as_floating_point()) return shortest_decimal(f->get());
  if (const auto* s = v.as_string()) return s->get();
  throw input_error(src.name, src.line(v), where + ": expected a number or a string");
}

// A stage table's key = value pairs, each with its flag and values as the command line gets them.
std::vector<PresetOption> table_options(const toml::table& t, const std::string& stage, const Source& src) {
  std::vector<PresetOption> options;
  for (auto&& [key, value] : t) {
    const std::string k(key.str());
    const std::string where = "[" + stage + "] " + k;
    if (kReserved.count(k))
      throw input_error(src.name, src.line(value), where + ": set by tlsx run itself, remove it from the file");
    PresetOption o;
    o.stage = stage;
    o.key = k;
    o.flag = "--" + dashed(k);
    o.line = src.line(value);
    if (const auto* b = value.as_boolean()) {
      o.boolean = true;
      o.enabled = b->get();
    } else if (const auto* a = value.as_array()) {
      if (a->empty()) throw input_error(src.name, src.line(value), where + ": empty list");
      for (const toml::node& e : *a) o.values.push_back(scalar_text(e, src, where));
    } else if (value.is_table()) {
      throw input_error(src.name, src.line(value), where + ": a table is not an option value");
    } else {
      o.values.push_back(scalar_text(value, src, where));
    }
    options.push_back(std::move(o));
  }
  return options;
}

// The same as command-line flags (true -> --key, false -> nothing, a list -> --key v1 v2).
std::vector<std::string> table_flags(const toml::table& t, const std::string& stage, const Source& src) {
  std::vector<std::string> args;
  for (const PresetOption& o : table_options(t, stage, src)) {
    if (o.boolean && !o.enabled) continue;
    args.push_back(o.flag);
    args.insert(args.end(), o.values.begin(), o.values.end());
  }
  return args;
}

template <class T>
T required_number(const toml::table& t, const char* key, const Source& src, int column, int line) {
  const toml::node* n = t.get(key);
  const std::string where = "[[column]] " + std::to_string(column + 1) + ": " + key;
  if (!n) throw input_error(src.name, line, where + " is missing");
  std::optional<T> v;
  if constexpr (std::is_same_v<T, double>) {
    v = n->value<double>();
  } else {
    if (n->is_integer()) v = n->value<T>();
  }
  if (!v) throw input_error(src.name, src.line(*n), where + ": expected " +
                                                        (std::is_same_v<T, double> ? "a number" : "an integer"));
  if (!(*v > 0)) throw input_error(src.name, src.line(*n), where + " must be positive");
  if constexpr (std::is_same_v<T, double>) {
    if (!std::isfinite(*v)) throw input_error(src.name, src.line(*n), where + " must be finite");
  }
  return *v;
}

std::string join(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  return dir.back() == '/' ? dir + name : dir + "/" + name;
}

std::vector<std::string> concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// A shard's column holds every glass_stride-th glass (prepare --glass-stride); whole columns say nothing.
std::vector<std::string> stride_flags(const RunColumn& col) {
  if (col.glass_stride == 1) return {};
  return {"--glass-stride", std::to_string(col.glass_stride)};
}

}  // namespace

RunPlan make_run_plan_from_text(const std::string& text, const std::string& name, const std::string& base_dir,
                                const std::string& output_dir, const std::string& backend_override,
                                int threads_override, const GlassShard& shard) {
  const Source src{name};
  toml::table root;
  try {
    root = toml::parse(text, name);
  } catch (const toml::parse_error& e) {
    throw input_error(name, static_cast<int>(e.source().begin.line), std::string(e.description()));
  }
  if (output_dir.empty()) throw Error("run: --output DIR is required");
  RunPlan plan;
  plan.config_path = name;
  plan.config_text = text;
  plan.output_dir = output_dir;
  plan.library = join(output_dir, "library.h5");
  plan.report = join(output_dir, "report");

  const std::set<std::string> known_tables = {"run", "prepare", "explore", "neb", "splitting", "analyze", "column"};
  for (auto&& [key, value] : root)
    if (!known_tables.count(std::string(key.str())))
      throw input_error(name, src.line(value), "unknown table or key '" + std::string(key.str()) +
                                                   "' (expected [run], [prepare], [explore], [neb], [splitting], "
                                                   "[analyze], [[column]])");

  // [run]: settings shared by the stages.
  std::vector<std::string> seed, compute, model;
  std::string backend = backend_override;
  int threads = threads_override;
  if (const toml::node* r = root.get("run")) {
    const toml::table* run = r->as_table();
    if (!run) throw input_error(name, src.line(*r), "[run] must be a table");
    for (auto&& [key, value] : *run) {
      const std::string k(key.str());
      if (k == "seed") {
        if (!value.is_integer() || value.value<std::int64_t>().value() < 0)
          throw input_error(name, src.line(value), "[run] seed: expected a non-negative integer");
        seed = {"--seed", scalar_text(value, src, "[run] seed")};
      } else if (k == "backend") {
        const auto b = value.value<std::string>();
        if (!b || (*b != "auto" && *b != "cpu" && *b != "cuda"))
          throw input_error(name, src.line(value), "[run] backend: expected \"auto\", \"cpu\" or \"cuda\"");
        if (backend.empty()) backend = *b;
      } else if (k == "threads") {
        if (!value.is_integer() || value.value<std::int64_t>().value() < 0)
          throw input_error(name, src.line(value), "[run] threads: expected a non-negative integer");
        if (value.value<std::int64_t>().value() > std::numeric_limits<int>::max())
          throw input_error(name, src.line(value), "[run] threads: too large");
        if (threads < 0) threads = static_cast<int>(value.value<std::int64_t>().value());
      } else if (k == "model") {
        const auto m = value.value<std::string>();
        if (!m) throw input_error(name, src.line(value), "[run] model: expected a file name");
        model = {"--model", (!m->empty() && m->front() == '/') ? *m : join(base_dir, *m)};
      } else if (k == "checkpoint_every") {
        const auto s = value.value<double>();
        if (!s || *s < 0) throw input_error(name, src.line(value), "[run] checkpoint_every: expected seconds >= 0");
        plan.checkpoint_every = *s;
      } else {
        throw input_error(name, src.line(value), "[run] unknown key '" + k +
                                                     "' (expected seed, backend, threads, model, checkpoint_every)");
      }
    }
  }
  if (!backend.empty()) compute = {"--backend", backend};
  if (threads >= 0) compute = concat(compute, {"--threads", std::to_string(threads)});

  std::vector<std::string> flags[5];
  for (int s = 0; s < 5; ++s) {
    if (const toml::node* n = root.get(kStageTables[s])) {
      const toml::table* t = n->as_table();
      if (!t) throw input_error(name, src.line(*n), std::string("[") + kStageTables[s] + "] must be a table");
      flags[s] = table_flags(*t, kStageTables[s], src);
    }
  }

  const toml::node* columns = root.get("column");
  const toml::array* column_array = columns ? columns->as_array() : nullptr;
  if (!column_array || column_array->empty())
    throw input_error(name, columns ? src.line(*columns) : 0,
                      "no [[column]]: give at least one fictive temperature (fictive_temperature, glasses, tau_cg, n_cg)");
  std::int64_t next_glass = 0;
  std::set<std::string> directories;
  for (std::size_t c = 0; c < column_array->size(); ++c) {
    const toml::table* t = column_array->get(c)->as_table();
    const int line = src.line(*column_array->get(c));
    if (!t) throw input_error(name, line, "[[column]] " + std::to_string(c + 1) + " must be a table");
    for (auto&& [key, value] : *t) {
      const std::string k(key.str());
      if (k != "fictive_temperature" && k != "glasses" && k != "tau_cg" && k != "n_cg" && k != "first_glass")
        throw input_error(name, src.line(value), "[[column]] " + std::to_string(c + 1) + ": unknown key '" + k +
                                                     "' (expected fictive_temperature, glasses, tau_cg, n_cg, first_glass)");
    }
    RunColumn col;
    const int ci = static_cast<int>(c);
    col.fictive_temperature = required_number<double>(*t, "fictive_temperature", src, ci, line);
    col.glasses = required_number<std::int64_t>(*t, "glasses", src, ci, line);
    col.tau_cg = required_number<std::int64_t>(*t, "tau_cg", src, ci, line);
    col.n_cg = required_number<std::int64_t>(*t, "n_cg", src, ci, line);
    col.first_glass = next_glass;
    if (const toml::node* f = t->get("first_glass")) {
      if (!f->is_integer() || f->value<std::int64_t>().value() < 0)
        throw input_error(name, src.line(*f), "[[column]] " + std::to_string(c + 1) + ": first_glass: expected an integer >= 0");
      col.first_glass = f->value<std::int64_t>().value();
    }
    if (col.first_glass > std::numeric_limits<std::int64_t>::max() - col.glasses)
      throw input_error(name, line, "[[column]] " + std::to_string(c + 1) + ": first_glass + glasses overflows");
    next_glass = col.first_glass + col.glasses;
    col.directory = join(output_dir, "Tf" + shortest_decimal(col.fictive_temperature));
    if (!directories.insert(col.directory).second)
      throw input_error(name, line, "[[column]] " + std::to_string(c + 1) + ": fictive temperature " +
                                        shortest_decimal(col.fictive_temperature) + " appears twice");
    plan.columns.push_back(col);
  }
  if (shard.sharded()) {
    plan.columns = shard_columns(plan.columns, shard, name);
    plan.shard = shard;
  }

  std::vector<std::string> libraries;
  for (const RunColumn& col : plan.columns) {
    const std::string tf = shortest_decimal(col.fictive_temperature);
    const std::string glasses = join(col.directory, "glasses.h5"), explored = join(col.directory, "explore.h5"),
                      paths = join(col.directory, "neb.h5"), library = join(col.directory, "library.h5");
    plan.stages.push_back({"prepare", "prepare T_f = " + tf,
                           concat(concat(concat(concat({"prepare", "-o", glasses, "--temperature", tf, "--glasses",
                                                        std::to_string(col.glasses), "--first-glass",
                                                        std::to_string(col.first_glass)},
                                                       concat(stride_flags(col), seed)),
                                                compute),
                                         model),
                                  flags[0]),
                           glasses, true});
    plan.stages.push_back({"explore", "explore T_f = " + tf,
                           concat(concat(concat({"explore", glasses, "-o", explored, "--tau-cg", std::to_string(col.tau_cg),
                                                 "--n-cg", std::to_string(col.n_cg)},
                                                seed),
                                         compute),
                                  flags[1]),
                           explored, true});
    plan.stages.push_back({"neb", "neb T_f = " + tf, concat(concat({"neb", explored, "-o", paths}, compute), flags[2]),
                           paths, true});
    plan.stages.push_back({"splitting", "splitting T_f = " + tf,
                           concat({"splitting", paths, "-o", library}, flags[3]), library, false});
    libraries.push_back(library);
  }
  if (shard.sharded()) {  // a shard ends with its columns' libraries: merge_shards joins them (shard_merge.hpp)
    plan.library.clear();
    plan.report.clear();
    return plan;
  }
  plan.stages.push_back({"merge", "merge",
                         concat(concat({"merge"}, libraries),
                                {"-o", plan.library, "--run-config", join(output_dir, "run.toml")}),
                         plan.library, false});
  plan.stages.push_back({"analyze", "analyze", concat({"analyze", plan.library, "--report", plan.report}, flags[4]),
                         join(plan.report, "report.json"), false});
  return plan;
}

std::vector<PresetOption> preset_stage_options(const std::string& text, const std::string& name) {
  const Source src{name};
  toml::table root;
  try {
    root = toml::parse(text, name);
  } catch (const toml::parse_error& e) {
    throw input_error(name, static_cast<int>(e.source().begin.line), std::string(e.description()));
  }
  std::vector<PresetOption> options;
  for (const char* stage : kStageTables)
    if (const toml::node* n = root.get(stage)) {
      const toml::table* t = n->as_table();
      if (!t) throw input_error(name, src.line(*n), std::string("[") + stage + "] must be a table");
      for (PresetOption& o : table_options(*t, stage, src)) options.push_back(std::move(o));
    }
  return options;
}

RunPlan make_run_plan(const std::string& config_path, const std::string& output_dir,
                      const std::string& backend_override, int threads_override, const GlassShard& shard) {
  std::ifstream in(config_path);
  if (!in) throw input_error(config_path, 0, "cannot open file");
  std::ostringstream text;
  text << in.rdbuf();
  const std::size_t slash = config_path.find_last_of('/');
  const std::string base_dir = slash == std::string::npos ? "." : config_path.substr(0, slash);
  return make_run_plan_from_text(text.str(), config_path, base_dir, output_dir, backend_override, threads_override,
                                 shard);
}

}  // namespace tlsx
