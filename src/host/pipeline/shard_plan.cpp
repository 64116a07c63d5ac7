#include "tlsx/pipeline/shard_plan.hpp"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <limits>

#include "tlsx/core/error.hpp"
#include "tlsx/io/plain_files.hpp"
#include "tlsx/io/atomic_file.hpp"

namespace tlsx {

namespace {

std::string join(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  return dir.back() == '/' ? dir + name : dir + "/" + name;
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

// A TOML basic string.
std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

bool parse_int(const std::string& s, long long& v) {
  if (s.empty() || s.size() > 9) return false;
  for (const char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  v = std::atoll(s.c_str());
  return true;
}

toml::table parse_file(const std::string& path, const std::string& label) {
  try {
    return toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    throw Error(label + ": " + path + ":" + std::to_string(e.source().begin.line) + ": " + std::string(e.description()));
  }
}

}  // namespace

GlassShard parse_glass_shard(const std::string& text) {
  const std::size_t slash = text.find('/');
  long long k = -1, n = -1;
  if (slash == std::string::npos || !parse_int(text.substr(0, slash), k) || !parse_int(text.substr(slash + 1), n))
    throw Error("--shard " + text + ": expected K/N (shard K of N, 0 <= K < N), e.g. --shard 0/4");
  if (n < 1) throw Error("--shard " + text + ": N must be at least 1");
  if (k >= n) throw Error("--shard " + text + ": K must be below N (shards are numbered 0 to " + std::to_string(n - 1) + ")");
  return GlassShard{static_cast<int>(k), static_cast<int>(n)};
}

std::vector<RunColumn> shard_columns(const std::vector<RunColumn>& columns, const GlassShard& s,
                                     const std::string& name) {
  std::int64_t largest = 0;
  for (const RunColumn& c : columns) largest = std::max(largest, c.glasses);
  if (s.count > largest)
    throw Error(name + ": --shard " + std::to_string(s.index) + "/" + std::to_string(s.count) + ": " +
                std::to_string(s.count) + " shards but the largest column has " + std::to_string(largest) +
                " glasses: use at most " + std::to_string(largest) + " shards");
  std::vector<RunColumn> out;
  for (RunColumn c : columns) {
    if (c.glass_stride != 1) throw Error(name + ": a column already sharded cannot be sharded again");
    if (c.glasses <= s.index) continue;  // shard K holds glasses j = K, K + N, ... < glasses
    c.first_glass += s.index;
    c.glasses = (c.glasses - s.index + s.count - 1) / s.count;
    c.glass_stride = s.count;
    out.push_back(c);
  }
  return out;
}

std::vector<std::int64_t> column_glass_ids(const RunColumn& col) {
  std::vector<std::int64_t> ids;
  for (std::int64_t j = 0; j < col.glasses; ++j) ids.push_back(col.first_glass + j * col.glass_stride);
  return ids;
}

std::string shards_directory(const std::string& run_dir) { return join(run_dir, "shards"); }

std::string shard_directory(const std::string& run_dir, int index) {
  return join(shards_directory(run_dir), std::to_string(index));
}

std::string shard_label(const std::string& run_dir, int index) {
  return "shard " + std::to_string(index) + " (" + shard_directory(run_dir, index) + ")";
}

void write_shard_manifest(const std::string& run_dir, const ShardManifest& m) {
  const std::string text = "# tlsx run --shard " + std::to_string(m.index) + "/" + std::to_string(m.count) +
                           " (docs/cluster.md)\nindex = " + std::to_string(m.index) +
                           "\ncount = " + std::to_string(m.count) + "\nconfig = " + quoted(m.config_path) +
                           "\nprogram_version = " + quoted(m.program_version) + "\n";
  write_text_atomically(join(shard_directory(run_dir, m.index), "shard.toml"), text);
}

bool has_shard_manifest(const std::string& run_dir, int index) {
  return exists(join(shard_directory(run_dir, index), "shard.toml"));
}

ShardManifest read_shard_manifest(const std::string& run_dir, int index) {
  const std::string label = shard_label(run_dir, index);
  const std::string path = join(shard_directory(run_dir, index), "shard.toml");
  if (!exists(path)) throw Error(label + ": no shard.toml: not a shard started by tlsx run --shard");
  const toml::table t = parse_file(path, label);
  ShardManifest m;
  const auto k = t["index"].value<std::int64_t>(), n = t["count"].value<std::int64_t>();
  const auto config = t["config"].value<std::string>(), version = t["program_version"].value<std::string>();
  if (!k || !n || !config || !version)
    throw Error(label + ": " + path + ": expected index, count, config and program_version");
  m.index = static_cast<int>(*k);
  m.count = static_cast<int>(*n);
  m.config_path = *config;
  m.program_version = *version;
  if (m.index != index) throw Error(label + ": its shard.toml says it is shard " + std::to_string(m.index));
  return m;
}

void write_shard_state(const std::string& run_dir, int index, const ShardRunState& s) {
  const std::string text = "state = " + quoted(s.state) + "\npid = " + std::to_string(s.pid) +
                           "\nhost = " + quoted(s.host) + "\nslurm_job = " + quoted(s.slurm_job) +
                           "\nslurm_task = " + quoted(s.slurm_task) + "\nupdated = " + quoted(s.updated) +
                           "\nmessage = " + quoted(s.message) + "\n";
  write_text_atomically(join(shard_directory(run_dir, index), "status.toml"), text);
}

ShardRunState read_shard_state(const std::string& run_dir, int index) {
  ShardRunState s;
  const std::string path = join(shard_directory(run_dir, index), "status.toml");
  if (!exists(path)) return s;
  const toml::table t = parse_file(path, shard_label(run_dir, index));
  s.state = t["state"].value_or(std::string());
  s.pid = static_cast<long>(t["pid"].value_or(std::int64_t{0}));
  s.host = t["host"].value_or(std::string());
  s.slurm_job = t["slurm_job"].value_or(std::string());
  s.slurm_task = t["slurm_task"].value_or(std::string());
  s.updated = t["updated"].value_or(std::string());
  s.message = t["message"].value_or(std::string());
  return s;
}

ShardRunState current_shard_state(const std::string& state, const std::string& message) {
  ShardRunState s;
  s.state = state;
  s.message = message;
  s.pid = static_cast<long>(::getpid());
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) == 0) s.host = host;
  s.slurm_job = env("SLURM_JOB_ID");
  if (!env("SLURM_ARRAY_JOB_ID").empty())
    s.slurm_task = env("SLURM_ARRAY_JOB_ID") + "_" + env("SLURM_ARRAY_TASK_ID");
  s.updated = utc_now();
  return s;
}

std::vector<int> shard_indices_on_disk(const std::string& run_dir) {
  std::vector<int> out;
  DIR* d = ::opendir(shards_directory(run_dir).c_str());
  if (!d) return out;
  while (const dirent* e = ::readdir(d)) {
    long long k = 0;
    if (parse_int(e->d_name, k) && std::to_string(k) == e->d_name) out.push_back(static_cast<int>(k));
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

RunPlan shard_run_plan(const std::string& preset_text, const std::string& preset_name, const std::string& base_dir,
                       const std::string& run_dir, int index, int count) {
  return make_run_plan_from_text(preset_text, preset_name, base_dir, shard_directory(run_dir, index), "", -1,
                                 GlassShard{index, count});
}

int stages_done(const RunPlan& plan) {
  int done = 0;
  for (const StageInvocation& s : plan.stages) done += exists(s.output) ? 1 : 0;
  return done;
}

}  // namespace tlsx
