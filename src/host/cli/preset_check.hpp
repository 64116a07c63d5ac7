#pragma once
// `tlsx run` checks every option of a preset's stage tables against the stage's own command-line
// options before any stage starts, so a typo under [neb] is reported at once, not after hours of
// prepare and explore (docs/pipeline.md, docs/reliability.md):
//   unknown.toml:17: [prepare] unknown key 'nn' (did you mean 'n'?)
//   wrongtype.toml:14: [prepare] n: expected a positive integer, got "many"
#include <string>
#include <vector>

#include "tlsx/pipeline/run_plan.hpp"

namespace tlsx::cli {

// Throws a tlsx::Error "FILE:LINE: [stage] ..." for the first option that the stage would refuse:
// an unknown key (with the nearest known one), a value its check refuses, a flag given a value or
// an option given true/false, a list for a single value, or an option that `tlsx run` already sets
// for that stage from [run] or [[column]] (found in the plan's command lines).
void check_preset_options(const std::vector<PresetOption>& options, const std::string& file, const RunPlan& plan);

// Edit distance between two words (insertions, deletions, substitutions, adjacent swaps).
int edit_distance(const std::string& a, const std::string& b);

}  // namespace tlsx::cli
