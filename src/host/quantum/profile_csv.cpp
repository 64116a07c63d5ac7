// Reading minimum-energy-path profiles from CSV (s,V[,dVds]).
#include "tlsx/quantum/profile_csv.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include "tlsx/core/error.hpp"

namespace tlsx::quantum {

namespace {

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string::npos) return "";
  const auto last = s.find_last_not_of(" \t\r");
  return s.substr(first, last - first + 1);
}

std::vector<std::string> split_cells(const std::string& line) {
  std::vector<std::string> cells;
  std::string cell;
  std::istringstream in(line);
  while (std::getline(in, cell, ',')) cells.push_back(trim(cell));
  if (!line.empty() && line.back() == ',') cells.push_back("");
  return cells;
}

double parse_cell(const std::string& cell, const std::string& column, const std::string& path,
                  long line) {
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(cell.c_str(), &end);
  if (cell.empty() || end != cell.c_str() + cell.size())
    throw input_error(path, line, "column '" + column + "': '" + cell + "' is not a number");
  if (!std::isfinite(v) || (errno == ERANGE && std::fabs(v) == HUGE_VAL))
    throw input_error(path, line, "column '" + column + "': '" + cell + "' is not a finite number");
  return v;
}

}  // namespace

Profile read_profile_csv(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw input_error(path, 0, "cannot open the profile file");
  Profile p;
  p.name = path;
  std::vector<std::string> columns;
  std::string raw;
  long line = 0;
  while (std::getline(in, raw)) {
    ++line;
    const std::string text = trim(raw);
    if (text.empty() || text[0] == '#') continue;
    const std::vector<std::string> cells = split_cells(text);
    if (columns.empty()) {
      if (!((cells.size() == 2 || cells.size() == 3) && cells[0] == "s" && cells[1] == "V" &&
            (cells.size() == 2 || cells[2] == "dVds")))
        throw input_error(path, line, "expected the header 's,V' or 's,V,dVds', found '" + text + "'");
      columns = cells;
      continue;
    }
    if (cells.size() != columns.size())
      throw input_error(path, line, "expected " + std::to_string(columns.size()) + " columns, found " +
                                        std::to_string(cells.size()));
    const double s = parse_cell(cells[0], "s", path, line);
    const double v = parse_cell(cells[1], "V", path, line);
    if (!p.s.empty() && !(s > p.s.back())) {
      std::ostringstream msg;
      msg.precision(17);
      msg << "the arc length s must increase strictly: s = " << s << " follows s = " << p.s.back();
      throw input_error(path, line, msg.str());
    }
    p.s.push_back(s);
    p.V.push_back(v);
    if (columns.size() == 3) p.dVds.push_back(parse_cell(cells[2], "dVds", path, line));
  }
  if (columns.empty()) throw input_error(path, 0, "empty file: expected the header 's,V' or 's,V,dVds'");
  if (p.s.size() < 4)
    throw input_error(path, 0, "the profile has " + std::to_string(p.s.size()) +
                                             " rows after the header; at least 4 are needed");
  return p;
}

}  // namespace tlsx::quantum
