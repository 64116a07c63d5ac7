#pragma once
// Shared helpers of the text readers (LAMMPS data, extended XYZ): a file as numbered lines, and
// field parsers whose errors are one line "file:line: message".
#include <string>
#include <vector>

namespace tlsx::io_detail {

struct TextLine {
  long number = 0;   // 1-based line number in the file
  std::string text;  // without the line terminator ('\r' removed too)
};

// Reads the whole file; Error "file: cannot open file" when it cannot.
std::vector<TextLine> read_lines(const std::string& path);

// Whitespace-separated fields.
std::vector<std::string> split_fields(const std::string& s);

// Parsers of one field; `what` names the field in the message ("x coordinate of atom 12").
// Non-numeric text, trailing junk, NaN and inf are errors.
double parse_double(const std::string& field, const std::string& file, long line, const std::string& what);
long long parse_integer(const std::string& field, const std::string& file, long line, const std::string& what);

// The file's extension in lower case, without the dot ("data", "xyz", "h5"); "" when none.
std::string extension_of(const std::string& path);

}  // namespace tlsx::io_detail
