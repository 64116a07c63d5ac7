#include "tlsx/io/extxyz.hpp"

#include <cerrno>
#include <cstring>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>

#include "text_parsing.hpp"
#include "tlsx/core/error.hpp"
#include "tlsx/io/atomic_file.hpp"

namespace tlsx {

namespace {

using io_detail::parse_double;
using io_detail::parse_integer;
using io_detail::split_fields;
using io_detail::TextLine;

std::string lower(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

// key=value pairs of the comment line; values may be "quoted" or {braced}; a bare key means "T".
// Keys are returned in lower case (ASE writes Lattice/Properties, other writers lattice/...).
std::map<std::string, std::string> parse_key_values(const std::string& s, const std::string& path, long line) {
  std::map<std::string, std::string> out;
  std::size_t k = 0;
  auto skip_space = [&] {
    while (k < s.size() && std::isspace(static_cast<unsigned char>(s[k]))) ++k;
  };
  while (true) {
    skip_space();
    if (k >= s.size()) break;
    const std::size_t key_start = k;
    while (k < s.size() && !std::isspace(static_cast<unsigned char>(s[k])) && s[k] != '=') ++k;
    const std::string key = lower(s.substr(key_start, k - key_start));
    if (key.empty()) throw input_error(path, line, "comment line: '=' without a key");
    skip_space();
    if (k >= s.size() || s[k] != '=') {
      out[key] = "T";
      continue;
    }
    ++k;
    skip_space();
    std::string value;
    if (k < s.size() && (s[k] == '"' || s[k] == '{')) {
      const char close = s[k] == '"' ? '"' : '}';
      const std::size_t end = s.find(close, k + 1);
      if (end == std::string::npos) throw input_error(path, line, "comment line: unterminated value of key '" + key + "'");
      value = s.substr(k + 1, end - k - 1);
      k = end + 1;
    } else {
      const std::size_t start = k;
      while (k < s.size() && !std::isspace(static_cast<unsigned char>(s[k]))) ++k;
      value = s.substr(start, k - start);
    }
    out[key] = value;
  }
  return out;
}

struct Column {
  std::string name;  // lower case
  char type;         // S, R, I, L
  int count;
  int first;  // index of its first field on an atom line
};

constexpr int kMaxFields = 1 << 16;

std::vector<Column> parse_properties(const std::string& spec, const std::string& path, long line) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= spec.size()) {
    const std::size_t colon = std::min(spec.find(':', start), spec.size());
    parts.push_back(spec.substr(start, colon - start));
    start = colon + 1;
  }
  if (parts.size() % 3 != 0) throw input_error(path, line, "Properties='" + spec + "' is not a list of name:type:count");
  std::vector<Column> cols;
  int first = 0;
  for (std::size_t p = 0; p < parts.size(); p += 3) {
    Column c;
    c.name = lower(parts[p]);
    const std::string t = parts[p + 1];
    if (t.size() != 1 || std::string("SRIL").find(t[0]) == std::string::npos)
      throw input_error(path, line, "Properties: column '" + parts[p] + "' has type '" + t + "', expected S, R, I or L");
    c.type = t[0];
    const long long count = parse_integer(parts[p + 2], path, line, "Properties: count of column '" + parts[p] + "'");
    if (count < 1) throw input_error(path, line, "Properties: column '" + parts[p] + "' has no fields");
    // A line has at most a few dozen fields; the bound keeps the field arithmetic within int.
    if (count > kMaxFields || first + count > kMaxFields)
      throw input_error(path, line, "Properties: more than " + std::to_string(kMaxFields) + " fields per line");
    c.count = static_cast<int>(count);
    c.first = first;
    first += c.count;
    for (const Column& other : cols)
      if (other.name == c.name) throw input_error(path, line, "Properties: column '" + parts[p] + "' given twice");
    cols.push_back(c);
  }
  return cols;
}

const Column* find_column(const std::vector<Column>& cols, std::initializer_list<const char*> names) {
  for (const char* n : names)
    for (const Column& c : cols)
      if (c.name == n) return &c;
  return nullptr;
}

// Species index of an extended-XYZ species field: an element symbol of the model, else a species name.
int species_of(const std::string& field, const Model& model) {
  for (int s = 0; s < model.n_species(); ++s)
    if (model.species[s].element == field) return s;
  for (int s = 0; s < model.n_species(); ++s)
    if (model.species[s].name == field) return s;
  return -1;
}

std::string known_species(const Model& model) {
  std::string s;
  for (int k = 0; k < model.n_species(); ++k)
    s += (k ? ", " : "") + model.species[k].element + "/" + model.species[k].name;
  return s;
}

// One frame starting at lines[at] (the count line).
Configuration read_frame(const std::vector<TextLine>& lines, std::size_t at, long n, const std::string& path,
                         const Model& model) {
  const TextLine& head = lines[at + 1];
  const auto kv = parse_key_values(head.text, path, head.number);
  Configuration c;

  auto lattice_it = kv.find("lattice");
  if (lattice_it == kv.end()) throw input_error(path, head.number, "no Lattice=\"...\" on the comment line (a periodic box is required)");
  const std::vector<std::string> lat = split_fields(lattice_it->second);
  if (lat.size() != 9) throw input_error(path, head.number, "Lattice needs 9 numbers, found " + std::to_string(lat.size()));
  double m[9];
  for (int k = 0; k < 9; ++k) m[k] = parse_double(lat[k], path, head.number, "Lattice entry " + std::to_string(k + 1));
  for (int a = 0; a < 3; ++a)
    for (int b = 0; b < 3; ++b)
      if (a != b && m[3 * a + b] != 0.0)
        throw input_error(path, head.number, "Lattice is not orthogonal (off-diagonal entries must be 0): tlsx needs an orthorhombic box");
  for (int d = 0; d < 3; ++d)
    if (m[4 * d] <= 0.0) throw input_error(path, head.number, "Lattice diagonal entries must be positive");
  c.box = Box::orthorhombic(m[0], m[4], m[8]);
  double origin[3] = {0, 0, 0};
  if (auto it = kv.find("origin"); it != kv.end()) {
    const std::vector<std::string> o = split_fields(it->second);
    if (o.size() != 3) throw input_error(path, head.number, "Origin needs 3 numbers");
    for (int d = 0; d < 3; ++d) origin[d] = parse_double(o[d], path, head.number, "Origin entry");
  }
  if (auto it = kv.find("pbc"); it != kv.end()) {
    const std::vector<std::string> p = split_fields(it->second);
    bool periodic = p.size() == 3;
    for (const std::string& v : p) periodic = periodic && (lower(v) == "t" || lower(v) == "true" || v == "1");
    if (!periodic) throw input_error(path, head.number, "pbc=\"" + it->second + "\": tlsx needs periodic boundaries on all three axes");
  }
  if (auto it = kv.find("time"); it != kv.end()) c.time = parse_double(it->second, path, head.number, "Time");
  if (auto it = kv.find("step"); it != kv.end()) c.step = static_cast<long>(parse_integer(it->second, path, head.number, "Step"));

  auto props_it = kv.find("properties");
  const std::vector<Column> cols =
      parse_properties(props_it == kv.end() ? "species:S:1:pos:R:3" : props_it->second, path, head.number);
  const Column* pos = find_column(cols, {"pos", "positions"});
  const Column* species = find_column(cols, {"species", "symbols", "element"});
  const Column* vel = find_column(cols, {"vel", "velo", "velocities"});
  const Column* momenta = vel ? nullptr : find_column(cols, {"momenta"});
  const Column* type = find_column(cols, {"type"});
  if (!pos || pos->type != 'R' || pos->count != 3) throw input_error(path, head.number, "Properties has no pos:R:3 column");
  if (!species || species->type != 'S' || species->count != 1)
    throw input_error(path, head.number, "Properties has no species:S:1 column");
  if (vel && (vel->type != 'R' || vel->count != 3)) throw input_error(path, head.number, "velocity column must be R:3");
  if (momenta && (momenta->type != 'R' || momenta->count != 3)) throw input_error(path, head.number, "momenta column must be R:3");
  if (type && (type->type != 'I' || type->count != 1)) throw input_error(path, head.number, "type column must be I:1");
  const std::size_t fields = static_cast<std::size_t>(cols.back().first + cols.back().count);

  c.pos.assign(3 * std::size_t(n), 0.0);
  c.species.assign(n, 0);
  if (vel || momenta) c.vel.assign(3 * std::size_t(n), 0.0);
  for (long i = 0; i < n; ++i) {
    const TextLine& l = lines[at + 2 + i];
    const std::vector<std::string> f = split_fields(l.text);
    if (f.size() != fields)
      throw input_error(path, l.number, "expected " + std::to_string(fields) + " columns (Properties), found " + std::to_string(f.size()));
    const int s = species_of(f[species->first], model);
    if (s < 0)
      throw input_error(path, l.number, "unknown species '" + f[species->first] + "' (model " + model.name + " has " +
                                            known_species(model) + ")");
    if (type) {
      const long long t = parse_integer(f[type->first], path, l.number, "type");
      if (t != s + 1)
        throw input_error(path, l.number, "type " + f[type->first] + " disagrees with species '" + f[species->first] +
                                              "' (type " + std::to_string(s + 1) + ")");
    }
    c.species[i] = s;
    const std::string atom = " of atom " + std::to_string(i + 1);
    for (int d = 0; d < 3; ++d)
      c.pos[d * n + i] = parse_double(f[pos->first + d], path, l.number, std::string(1, "xyz"[d]) + " coordinate" + atom) - origin[d];
    if (vel)
      for (int d = 0; d < 3; ++d)
        c.vel[d * n + i] = parse_double(f[vel->first + d], path, l.number, std::string("v") + "xyz"[d] + atom);
    if (momenta)
      for (int d = 0; d < 3; ++d)
        c.vel[d * n + i] = parse_double(f[momenta->first + d], path, l.number, std::string("p") + "xyz"[d] + atom) /
                           model.species[s].mass;
  }
  return c;
}

}  // namespace

Configuration read_extxyz(const std::string& path, const Model& model) {
  const std::vector<TextLine> lines = io_detail::read_lines(path);
  Configuration last;
  bool any = false;
  std::size_t at = 0;
  while (at < lines.size()) {
    if (split_fields(lines[at].text).empty()) {
      ++at;
      continue;  // blank lines between or after frames
    }
    const std::vector<std::string> f = split_fields(lines[at].text);
    if (f.size() != 1) throw input_error(path, lines[at].number, "expected the number of atoms, found '" + lines[at].text + "'");
    const long long n = parse_integer(f[0], path, lines[at].number, "number of atoms");
    if (n <= 0) throw input_error(path, lines[at].number, "number of atoms must be positive");
    const std::size_t available = lines.size() - at - 1;
    if (available < static_cast<std::size_t>(n) + 1)
      throw input_error(path, lines.back().number,
                        "file ends after " + std::to_string(available == 0 ? 0 : available - 1) + " of " + std::to_string(n) +
                            " atom lines of the frame starting on line " + std::to_string(lines[at].number));
    last = read_frame(lines, at, static_cast<long>(n), path, model);
    any = true;
    at += static_cast<std::size_t>(n) + 2;
  }
  if (!any) throw input_error(path, 0, "empty file (expected extended XYZ)");
  return last;
}

namespace {

// One frame: the count line, the comment line (with `extra` key=value pairs appended) and N lines.
void write_frame(std::FILE* f, const Configuration& c, const Model& model, const std::string& extra) {
  const int n = c.n();
  const double* l = c.box.length;
  std::fprintf(f, "%d\n", n);
  std::fprintf(f, "Lattice=\"%.17g 0 0 0 %.17g 0 0 0 %.17g\" Properties=species:S:1:pos:R:3%s:type:I:1 pbc=\"T T T\" "
                  "Time=%.17g Step=%ld Model=\"%s\"%s%s\n",
               l[0], l[1], l[2], c.has_velocities() ? ":vel:R:3" : "", c.time, c.step, model.name.c_str(),
               extra.empty() ? "" : " ", extra.c_str());
  for (int i = 0; i < n; ++i) {
    std::fprintf(f, "%s %.17g %.17g %.17g", model.species[c.species[i]].element.c_str(), c.pos[i], c.pos[n + i],
                 c.pos[2 * std::size_t(n) + i]);
    if (c.has_velocities()) std::fprintf(f, " %.17g %.17g %.17g", c.vel[i], c.vel[n + i], c.vel[2 * std::size_t(n) + i]);
    std::fprintf(f, " %d\n", c.species[i] + 1);
  }
}

void write_frames(const std::string& path, const std::vector<const Configuration*>& frames,
                  const std::vector<std::string>& extra, const Model& model) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (!f) throw input_error(path, 0, "cannot create file");
  for (std::size_t k = 0; k < frames.size(); ++k) write_frame(f, *frames[k], model, k < extra.size() ? extra[k] : "");
  const bool ok = !std::ferror(f) && std::fflush(f) == 0;
  const int saved = errno;
  if (std::fclose(f) != 0 || !ok) throw input_error(path, 0, std::string("cannot write: ") + std::strerror(ok ? errno : saved));
}

}  // namespace

void write_extxyz(const std::string& path, const Configuration& c, const Model& model) {
  write_frames(path, {&c}, {}, model);
}

void write_extxyz_frames(const std::string& path, const std::vector<Configuration>& frames,
                         const std::vector<std::string>& extra, const Model& model) {
  if (frames.empty()) throw input_error(path, 0, "no frames to write");
  std::vector<const Configuration*> ptr;
  for (const Configuration& c : frames) ptr.push_back(&c);
  write_atomically(path, [&](const std::string& tmp) { write_frames(tmp, ptr, extra, model); });
}

}  // namespace tlsx
