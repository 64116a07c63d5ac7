#pragma once
// Merging double-well libraries (docs/architecture.md §3 "Beyond one machine"): glasses never talk to each other,
// so shards of glasses run as independent jobs (or columns of Table I at different T_f run as
// separate chains) and their libraries are concatenated. Every table's `glass` column (and the
// IS coordinate rows, the exploration offsets) is shifted by the rows that come before.
// Inputs must agree on the model, the particle number, the box, the pipeline stage, the masses
// and the MEP image count; a glass id that appears twice at the same T_f is refused (the same
// glass run twice would be counted twice).
#include <string>
#include <vector>

#include "tlsx/pipeline/library.hpp"

namespace tlsx {

// `names` label the inputs in error messages (file names).
Library merge_libraries(const std::vector<Library>& parts, const std::vector<std::string>& names);

}  // namespace tlsx
