#pragma once
// Minimum-energy-path profiles as CSV files (docs/quantum.md):
//   s,V            arc length (sigma) and energy (eps), first minimum to second
//   s,V,dVds       with the tangential derivative dV/ds of each image
// One header line, then one row per image; blank lines and lines starting with '#' are skipped.
// Errors are one line naming the file and line: missing file, no header, wrong column count,
// a cell that is not a finite number, s not strictly increasing, fewer than 4 rows.
#include <string>

#include "tlsx/quantum/splitting.hpp"

namespace tlsx::quantum {

Profile read_profile_csv(const std::string& path);

}  // namespace tlsx::quantum
