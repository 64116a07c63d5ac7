#include "preset_check.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <memory>

#include "cli_common.hpp"
#include "tlsx/core/error.hpp"

namespace tlsx::cli {

int edit_distance(const std::string& a, const std::string& b) {
  // Optimal string alignment distance (Damerau-Levenshtein without repeated edits of a substring).
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::vector<int>> d(n + 1, std::vector<int>(m + 1, 0));
  for (std::size_t i = 0; i <= n; ++i) d[i][0] = static_cast<int>(i);
  for (std::size_t j = 0; j <= m; ++j) d[0][j] = static_cast<int>(j);
  for (std::size_t i = 1; i <= n; ++i)
    for (std::size_t j = 1; j <= m; ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[n][m];
}

namespace {

std::string undashed(std::string name) {
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

// The preset keys a stage accepts: its long options, as `key` (dashes as underscores).
std::vector<std::string> stage_keys(const CLI::App& stage) {
  std::vector<std::string> keys;
  for (const CLI::Option* o : stage.get_options())
    for (const std::string& l : o->get_lnames())
      if (l != "help") keys.push_back(undashed(l));
  return keys;
}

std::string suggestion(const std::string& key, const std::vector<std::string>& known, const std::string& stage) {
  std::string best;
  int best_distance = 1 << 30;
  for (const std::string& k : known) {
    const int d = edit_distance(key, k);
    if (d < best_distance) {
      best_distance = d;
      best = k;
    }
  }
  // Close enough to be a typo: at most two edits, and fewer than the key has letters.
  if (!best.empty() && best_distance <= 2 && best_distance < static_cast<int>(key.size()))
    return " (did you mean '" + best + "'?)";
  return " (the options of tlsx " + stage + " --help, with _ for -)";
}

// CLI11's "--n: message" as "message".
std::string without_name(const std::string& what, const std::string& flag) {
  const std::string prefix = flag + ": ";
  return what.compare(0, prefix.size(), prefix) == 0 ? what.substr(prefix.size()) : what;
}

}  // namespace

void check_preset_options(const std::vector<PresetOption>& options, const std::string& file, const RunPlan& plan) {
  // A fresh set of the subcommands: the options' checks run on their own copies of the settings.
  CLI::App app;
  for (const AddCommand& add : commands()) add(app);
  for (const PresetOption& p : options) {
    const std::string where = "[" + p.stage + "] ";
    const auto fail = [&](const std::string& message) { throw input_error(file, p.line, where + message); };
    CLI::App* stage = app.get_subcommand(p.stage);
    CLI::Option* opt = stage->get_option_no_throw(p.flag);
    if (!opt || p.flag == "--help") fail("unknown key '" + p.key + "'" + suggestion(p.key, stage_keys(*stage), p.stage));
    const bool is_flag = opt->get_type_size_max() == 0;
    if (is_flag && !p.boolean) fail(p.key + ": expected true or false, got " + p.values.front());
    if (is_flag) continue;
    if (p.boolean) fail(p.key + ": expected a value, not " + std::string(p.enabled ? "true" : "false"));
    for (const StageInvocation& s : plan.stages)
      if (s.stage == p.stage && std::count(s.args.begin(), s.args.end(), p.flag) > 1) {
        fail(p.key + ": set by tlsx run itself (from [run] or [[column]]), remove it from the file");
      }
    if (p.values.size() > 1 && opt->get_expected_max() <= 1)
      fail(p.key + ": expected one value, got a list of " + std::to_string(p.values.size()));
    try {
      for (const std::string& v : p.values) opt->add_result(v);
      opt->run_callback();
    } catch (const CLI::ValidationError& e) {
      fail(p.key + ": " + without_name(e.what(), opt->get_name()));
    } catch (const CLI::Error& e) {
      std::string values;
      for (const std::string& v : p.values) values += (values.empty() ? "\"" : " \"") + v + "\"";
      fail(p.key + ": cannot use " + values + " (" + e.what() + ")");
    }
  }
}

}  // namespace tlsx::cli
