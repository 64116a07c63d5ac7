// Sharded runs without running them: --shard K/N parsing, the glasses of each shard (disjoint, all of
// them, global ids), a shard's stage list, the glass order merge_shards restores (against a library
// written in one piece), and the Slurm job pieces (time limits, --max-hours, array specs, scripts).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>

#include "tlsx/core/error.hpp"
#include "tlsx/model/model.hpp"
#include "tlsx/pipeline/library.hpp"
#include "tlsx/pipeline/library_merge.hpp"
#include "tlsx/pipeline/run_plan.hpp"
#include "tlsx/pipeline/shard_merge.hpp"
#include "tlsx/pipeline/shard_plan.hpp"
#include "tlsx/pipeline/slurm_jobs.hpp"
#include "library_equality.hpp"

namespace {

using namespace tlsx;

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(ShardPlan, ShardSpecsParseAndBadOnesAreRefusedNamingTheFlag) {
  const GlassShard s = parse_glass_shard("2/5");
  EXPECT_EQ(s.index, 2);
  EXPECT_EQ(s.count, 5);
  EXPECT_EQ(parse_glass_shard("0/1").count, 1);
  for (const char* bad : {"3/3", "4/3", "0/0", "1", "a/3", "-1/3", "1/-3", "1/3/4", "", "/3", "1/"}) {
    const std::string what = error_of([&] { parse_glass_shard(bad); });
    EXPECT_NE(what.find("--shard"), std::string::npos) << bad << ": " << what;
    EXPECT_EQ(what.find('\n'), std::string::npos) << what;
  }
  EXPECT_NE(error_of([] { parse_glass_shard("3/3"); }).find("K must be below N"), std::string::npos);
  EXPECT_NE(error_of([] { parse_glass_shard("0/0"); }).find("at least 1"), std::string::npos);
}

const char* const kPreset = R"(
[run]
seed = 5
[[column]]
fictive_temperature = 0.7
glasses = 7
tau_cg = 20
n_cg = 10
[[column]]
fictive_temperature = 0.5
glasses = 2
tau_cg = 40
n_cg = 10
)";

TEST(ShardPlan, EveryGlassIsInExactlyOneShardWithItsGlobalId) {
  const RunPlan full = make_run_plan_from_text(kPreset, "p.toml", ".", "out");
  for (int n = 1; n <= 7; ++n) {
    std::map<std::pair<double, std::int64_t>, int> owner;
    for (int k = 0; k < n; ++k)
      for (const RunColumn& c : shard_columns(full.columns, {k, n}, "p.toml"))
        for (const std::int64_t id : column_glass_ids(c)) {
          EXPECT_EQ((id - (c.fictive_temperature == 0.7 ? 0 : 7)) % n, k) << "glass K, K+N, ...";
          EXPECT_TRUE(owner.emplace(std::make_pair(c.fictive_temperature, id), k).second) << "glass " << id << " twice";
        }
    std::map<std::pair<double, std::int64_t>, int> expected;
    for (const RunColumn& c : full.columns)
      for (const std::int64_t id : column_glass_ids(c)) expected.emplace(std::make_pair(c.fictive_temperature, id), 0);
    EXPECT_EQ(owner.size(), expected.size()) << n << " shards";
    for (const auto& [key, k] : expected) EXPECT_TRUE(owner.count(key)) << "glass " << key.second << " in no shard";
  }
  // The second column (ids 7, 8) has no glass in shards 2.. of 3: the shard leaves it out.
  const std::vector<RunColumn> third = shard_columns(full.columns, {2, 3}, "p.toml");
  ASSERT_EQ(third.size(), 1u);
  EXPECT_EQ(column_glass_ids(third[0]), (std::vector<std::int64_t>{2, 5}));
  const std::vector<RunColumn> second = shard_columns(full.columns, {1, 3}, "p.toml");
  ASSERT_EQ(second.size(), 2u);
  EXPECT_EQ(column_glass_ids(second[1]), (std::vector<std::int64_t>{8}));
}

TEST(ShardPlan, MoreShardsThanTheLargestColumnHasGlassesIsRefused) {
  const RunPlan full = make_run_plan_from_text(kPreset, "p.toml", ".", "out");
  const std::string what = error_of([&] { shard_columns(full.columns, {0, 8}, "p.toml"); });
  EXPECT_NE(what.find("p.toml"), std::string::npos) << what;
  EXPECT_NE(what.find("at most 7 shards"), std::string::npos) << what;
  EXPECT_NO_THROW(shard_columns(full.columns, {6, 7}, "p.toml"));
}

TEST(ShardPlan, AShardPlanRunsItsGlassesIntoItsFolderAndStopsBeforeTheMerge) {
  const RunPlan p = make_run_plan_from_text(kPreset, "p.toml", ".", "out/shards/1", "", -1, {1, 3});
  EXPECT_TRUE(p.shard.sharded());
  EXPECT_TRUE(p.library.empty());
  ASSERT_EQ(p.stages.size(), 8u);  // two columns x prepare, explore, neb, splitting; no merge, no analyze
  for (const StageInvocation& s : p.stages) {
    EXPECT_NE(s.stage, "merge");
    EXPECT_NE(s.stage, "analyze");
    EXPECT_EQ(s.output.rfind("out/shards/1/Tf", 0), 0u) << s.output;
  }
  const auto flag = [](const std::vector<std::string>& a, const std::string& f) {
    const auto it = std::find(a.begin(), a.end(), f);
    return it == a.end() || it + 1 == a.end() ? std::string() : *(it + 1);
  };
  EXPECT_EQ(flag(p.stages[0].args, "--glasses"), "2");  // glasses 1, 4 (not 7: 7 glasses, 0..6)
  EXPECT_EQ(flag(p.stages[0].args, "--first-glass"), "1");
  EXPECT_EQ(flag(p.stages[0].args, "--glass-stride"), "3");
  EXPECT_EQ(flag(p.stages[4].args, "--glasses"), "1");  // glass 8 of the second column (ids 7, 8)
  EXPECT_EQ(flag(p.stages[4].args, "--first-glass"), "8");
  // The whole run's prepare stages say nothing of strides.
  const RunPlan full = make_run_plan_from_text(kPreset, "p.toml", ".", "out");
  for (const StageInvocation& s : full.stages) EXPECT_EQ(flag(s.args, "--glass-stride"), "");
}

// ---- the glass order of merged shards ----

// A library as one run over `ids` (ascending) writes it: per glass a varying number of exploration
// IS (every odd one's coordinates stored), transitions, double wells and persistence runs; then the
// IS the NEB stage found, after all the exploration's (even ids get one). Every value encodes its
// glass id and row so that a broken link or order shows.
Library one_run_library(const std::vector<std::int64_t>& ids) {
  constexpr int n = 2;
  Library lib;
  lib.stage = "splitting";
  lib.model_toml = model_to_toml(ka2_model());
  lib.n = n;
  lib.box = Box::cubic(4.0);
  lib.masses = {5250.0, 1200.0};
  lib.T_Q = {2 * M_PI / 5250.0, 2 * M_PI / 1200.0};
  lib.double_wells.images = 3;
  lib.exploration.sequence_offset.push_back(0);
  LibraryInherentStructures& is = lib.inherent_structures;
  const auto add_is = [&](std::int64_t g, std::int64_t id, int k, bool by_neb) {
    is.glass.push_back(g);
    is.id.push_back(k);
    is.energy.push_back(-100.0 * id - k);
    is.first_seen.push_back(by_neb ? NAN : 0.5 * k + id);
    is.first_quench.push_back(by_neb ? -1 : k);
    is.visits.push_back(by_neb ? 0 : k + 1);
    if (by_neb || k % 2 == 1) {
      is.coordinate_row.push_back(static_cast<std::int64_t>(is.coordinates.size() / (3 * n)));
      for (int c = 0; c < 3 * n; ++c) is.coordinates.push_back(1000.0 * id + 10.0 * k + c);
    } else {
      is.coordinate_row.push_back(-1);
    }
  };
  for (std::size_t g = 0; g < ids.size(); ++g) {
    const std::int64_t id = ids[g];
    LibraryGlasses& gl = lib.glasses;
    gl.id.push_back(id);
    gl.fictive_temperature.push_back(0.7);
    gl.exploration_temperature.push_back(0.45);
    gl.dt.push_back(0.0025);
    gl.tau_cg.push_back(20);
    gl.quenches.push_back(10 + id);
    gl.failed_quenches.push_back(id % 2);
    gl.n_is.push_back(2 + id % 3);
    gl.n_candidates.push_back(1 + id % 2);
    gl.initial_energy.push_back(-7.0 - 0.1 * id);
    for (int i = 0; i < n; ++i) gl.species.push_back(static_cast<std::int32_t>((id + i) % 3));
    for (int k = 0; k < 2 + id % 3; ++k) add_is(static_cast<std::int64_t>(g), id, k, false);
    for (int t = 0; t < 1 + id % 2; ++t) {
      LibraryTransitions& tr = lib.transitions;
      tr.glass.push_back(static_cast<std::int64_t>(g));
      tr.is_a.push_back(t);
      tr.is_b.push_back(t + 1);
      tr.count_ab.push_back(id + t);
      tr.count_ba.push_back(1);
      tr.first_candidate_quench.push_back(t);
      tr.first_candidate_time.push_back(0.1 * id + t);
    }
    LibraryExploration& e = lib.exploration;
    for (int q = 0; q < 2 + id % 2; ++q) e.sequence.push_back(static_cast<std::int32_t>(id * 10 + q));
    e.sequence_offset.push_back(static_cast<std::int64_t>(e.sequence.size()));
    for (int p = 0; p < 1 + id % 2; ++p) {
      e.persistence_glass.push_back(static_cast<std::int64_t>(g));
      e.persistence_quenches.push_back(id * 3 + p);
    }
    LibraryDoubleWells& w = lib.double_wells;
    for (int r = 0; r < id % 3; ++r) {
      const double v = id + 0.01 * r;
      for_each_neb_column([&](const LibraryColumn& c, auto column) {
        using T = typename std::decay_t<decltype(w.*column)>::value_type;
        const std::size_t width = c.width == ColumnWidth::images ? 3 : 1;
        for (std::size_t j = 0; j < width; ++j)
          (w.*column).push_back(std::string(c.name) == "glass" ? static_cast<T>(g) : static_cast<T>(v + j));
      });
      w.reason.push_back("row " + std::to_string(id) + "." + std::to_string(r));
      for_each_splitting_column([&](const LibraryColumn& c, auto column) {
        using T = typename std::decay_t<decltype(w.*column)>::value_type;
        const std::size_t width = c.width == ColumnWidth::masses_levels ? 2 * kLibraryLevels : 2;
        for (std::size_t j = 0; j < width; ++j) (w.*column).push_back(static_cast<T>(std::fmod(v * (j + 1), 2.0)));
      });
    }
  }
  for (std::size_t g = 0; g < ids.size(); ++g)  // the NEB stage appends its minima after the exploration's
    if (ids[g] % 2 == 0) add_is(static_cast<std::int64_t>(g), ids[g], static_cast<int>(2 + ids[g] % 3), true);
  return lib;
}

TEST(ShardMerge, MergedShardsInGlassOrderEqualTheLibraryOfOneRun) {
  const std::vector<std::int64_t> all = {0, 1, 2, 3, 4, 5, 6, 7};
  const Library whole = one_run_library(all);
  for (int n = 1; n <= 4; ++n) {
    // Each shard's library is what one run over its glasses K, K+N, ... writes.
    std::vector<Library> parts;
    std::vector<std::string> names;
    for (int k = 0; k < n; ++k) {
      std::vector<std::int64_t> ids;
      for (const std::int64_t id : all)
        if (id % n == k) ids.push_back(id);
      parts.push_back(one_run_library(ids));
      names.push_back("shard " + std::to_string(k));
    }
    SCOPED_TRACE(std::to_string(n) + " shards");
    tlsx::testing::expect_same_library(order_glasses_by_id(merge_libraries(parts, names)), whole);
  }
}

// ---- Slurm jobs ----

TEST(SlurmJobs, TimeLimitsInEverySlurmSyntax) {
  EXPECT_EQ(slurm_time_seconds("90"), 90 * 60);
  EXPECT_EQ(slurm_time_seconds("10:30"), 10 * 60 + 30);
  EXPECT_EQ(slurm_time_seconds("02:00:00"), 7200);
  EXPECT_EQ(slurm_time_seconds("1-12"), 86400 + 12 * 3600);
  EXPECT_EQ(slurm_time_seconds("1-02:30"), 86400 + 2 * 3600 + 30 * 60);
  EXPECT_EQ(slurm_time_seconds("2-00:00:05"), 2 * 86400 + 5);
  for (const char* bad : {"", "abc", "1:2:3:4", "-5", "1-", "0", "00:00:00", "1.5"}) {
    const std::string what = error_of([&] { slurm_time_seconds(bad, "--time"); });
    EXPECT_NE(what.find("--time"), std::string::npos) << bad << ": " << what;
  }
}

TEST(SlurmJobs, TasksStopBeforeTheirTimeLimitWithRoomForTheLastCheckpoint) {
  EXPECT_DOUBLE_EQ(task_max_hours(24 * 3600), (24 * 3600 - 900) / 3600.0);  // 5 %, at most 15 min
  EXPECT_DOUBLE_EQ(task_max_hours(3600), (3600 - 180) / 3600.0);           // 5 %
  EXPECT_DOUBLE_EQ(task_max_hours(600), (600 - 60) / 3600.0);              // at least a minute
  EXPECT_NE(error_of([] { task_max_hours(120); }).find("at least 3 minutes"), std::string::npos);
}

TEST(SlurmJobs, ArraySpecsAndScripts) {
  EXPECT_EQ(array_spec({0, 1, 2, 3}), "0-3");
  EXPECT_EQ(array_spec({5}), "5");
  EXPECT_EQ(array_spec({1, 4, 6}), "1,4,6");
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
  SlurmJobOptions o;
  o.tlsx = "/opt/tlsx";
  o.config = "/home/u/p.toml";
  o.run_dir = "/scratch/run";
  o.shards = 8;
  o.tasks = {1, 4};
  o.time = "12:00:00";
  o.partition = "gpu";
  o.gpus_per_task = 1;
  o.cpus_per_task = 4;
  o.extra = {"--qos=long"};
  const std::string s = shard_array_script(o);
  for (const char* line :
       {"#SBATCH --array=1,4\n", "#SBATCH --requeue\n", "#SBATCH --open-mode=append\n", "#SBATCH --time=12:00:00\n",
        "#SBATCH --partition=gpu\n", "#SBATCH --gpus-per-task=1\n", "#SBATCH --cpus-per-task=4\n",
        "#SBATCH --qos=long\n", "#SBATCH --output=/scratch/run/slurm/logs/shard-%a.log\n",
        "--shard \"$k/8\" --resume --max-hours 11.75 --threads \"$SLURM_CPUS_PER_TASK\" --backend cuda",
        "scontrol requeue \"$SLURM_JOB_ID\"", "trap 'terminated=1; kill -TERM $pid"})
    EXPECT_NE(s.find(line), std::string::npos) << line << "\n" << s;
  const std::string m = merge_job_script(o);
  EXPECT_NE(m.find("'/opt/tlsx' run --merge-shards '/scratch/run' --config '/home/u/p.toml'"), std::string::npos) << m;
  EXPECT_EQ(m.find("--gpus-per-task"), std::string::npos) << "the merge needs no GPU";
  EXPECT_NE(m.find("#SBATCH --output=/scratch/run/slurm/logs/merge.log"), std::string::npos) << m;
}

}  // namespace
