#pragma once
// A thin RAII wrapper over the HDF5 C API (1.10) for the project's files: configurations (H5MD),
// the double-well library and checkpoints. Deliberately small:
//
//   tlsx::h5::File f = tlsx::h5::File::create("lib.h5");         // truncates; open(path, writable)
//   tlsx::h5::Group g = f.require_group("glasses/0");            // nested paths, made on demand
//   g.write("energy", std::vector<double>{...});                 // 1D dataset
//   g.write("pos", xyz, {n, 3});                                 // 2D, row-major
//   g.set_attribute("units", std::string("LJ"));
//   tlsx::h5::Dataset t = g.create_extendable<double>("time", {}); // rows of shape {} (scalars)
//   t.append(std::vector<double>{0.0, 0.1});                     // grows along the first axis
//   std::vector<double> e = f.read<double>("glasses/0/energy");
//
// Element types T: double, std::int32_t, std::int64_t, std::uint8_t (booleans) and std::string
// (written variable-length UTF-8 unless StringStorage::fixed is asked for; reading accepts both).
// Reading converts between numeric types (an int32 dataset reads as int64 or double).
// Data are flattened row-major: a {rows, cols} dataset is rows * cols values, row after row.
//
// Every failure throws tlsx::Error with one line naming the file and the object path, e.g.
//   "lib.h5: /glasses/0/energy: no such object". HDF5's own error printing is switched off.
// Writers end with File::close(), which reports what the disk refused (a full disk, a quota).
// Objects are reference-counted handles: copying a Group copies the handle, the file stays open as
// long as any object of it is alive. The HDF5 library used here is not thread-safe: use one thread.
#include <hdf5.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

namespace tlsx::h5 {

// Dimensions of a dataset or of one row of an extendable dataset ({} = scalar).
using Shape = std::vector<std::size_t>;

enum class StringStorage { variable, fixed };

template <class T>
inline constexpr bool is_element_type =
    std::is_same_v<T, double> || std::is_same_v<T, std::int32_t> || std::is_same_v<T, std::int64_t> ||
    std::is_same_v<T, std::uint8_t> || std::is_same_v<T, std::string>;

namespace detail {
// An owned HDF5 identifier, closed with the function that matches its kind.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle(hid_t id, Closer close) : id_(id), close_(close) {}
  ~Handle() { if (id_ >= 0) close_(id_); }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  hid_t id() const { return id_; }
  void forget() { id_ = -1; }  // closed by its owner; the destructor leaves it alone

 private:
  hid_t id_;
  Closer close_;
};
}  // namespace detail

// Anything that carries attributes: a file (its root group), a group or a dataset.
class Object {
 public:
  const std::string& file_name() const { return *file_; }
  const std::string& path() const { return path_; }  // "/", "/glasses/0", ...
  hid_t id() const { return handle_->id(); }

  bool has_attribute(const std::string& name) const;
  // Scalar or 1D attributes; an existing attribute of the same name is replaced.
  void set_attribute(const std::string& name, double v);
  void set_attribute(const std::string& name, std::int64_t v);
  void set_attribute(const std::string& name, int v) { set_attribute(name, static_cast<std::int64_t>(v)); }
  void set_attribute(const std::string& name, const std::string& v);
  void set_attribute(const std::string& name, const char* v) { set_attribute(name, std::string(v)); }
  void set_attribute(const std::string& name, const std::vector<double>& v);
  void set_attribute(const std::string& name, const std::vector<std::int64_t>& v);
  void set_attribute(const std::string& name, const std::vector<int>& v);
  void set_attribute(const std::string& name, const std::vector<std::string>& v);
  // T: double, std::int64_t, std::string, or std::vector of those. A scalar read of a 1-element
  // array is allowed; a wrong kind (string vs number) or a missing attribute is an Error.
  template <class T>
  T attribute(const std::string& name) const;
  std::vector<std::string> attribute_names() const;

 protected:
  Object(std::shared_ptr<detail::Handle> h, std::shared_ptr<const std::string> file, std::string path)
      : handle_(std::move(h)), file_(std::move(file)), path_(std::move(path)) {}
  std::string where(const std::string& name = "") const;  // "file: /path/name"
  std::string child_path(const std::string& name) const;

  std::shared_ptr<detail::Handle> handle_;
  std::shared_ptr<const std::string> file_;
  std::string path_;
  friend class Group;
};

class Dataset : public Object {
 public:
  Shape shape() const;
  std::size_t rows() const;  // extent of the first axis (1 for a scalar dataset)
  bool is_string() const;

  // The whole dataset, flattened row-major.
  template <class T>
  std::vector<T> read() const;
  // Rows [first, first + count) of the first axis, flattened.
  template <class T>
  std::vector<T> read_rows(std::size_t first, std::size_t count) const;
  // Appends whole rows to a dataset made by Group::create_extendable; data.size() must be a multiple
  // of the row size. Returns the new number of rows.
  template <class T>
  std::size_t append(const std::vector<T>& data);

 private:
  using Object::Object;
  friend class Group;
};

class Group : public Object {
 public:
  // Navigation. Paths may be nested ("a/b/c") or absolute ("/a/b").
  bool exists(const std::string& path) const;  // a link of that path resolves (every level exists)
  bool is_group(const std::string& path) const;
  bool is_dataset(const std::string& path) const;
  Group open_group(const std::string& path) const;
  Group create_group(const std::string& path);   // makes missing parents; Error if it exists
  Group require_group(const std::string& path);  // opens, or creates when missing
  Dataset open_dataset(const std::string& path) const;
  std::vector<std::string> members() const;  // names of direct children, sorted
  void remove(const std::string& path);      // unlinks (HDF5 does not reclaim the space)

  // Fixed-size dataset; shape defaults to {data.size()}; its product must equal data.size().
  // An existing object of that name is replaced.
  template <class T>
  Dataset write(const std::string& name, const std::vector<T>& data, const Shape& shape = {},
                StringStorage strings = StringStorage::variable);
  // Chunked dataset of shape {0, row...} and unlimited first axis, filled by Dataset::append.
  // chunk_rows = 0 picks about 64 KiB per chunk.
  template <class T>
  Dataset create_extendable(const std::string& name, const Shape& row, std::size_t chunk_rows = 0);
  template <class T>
  std::vector<T> read(const std::string& path) const {
    return open_dataset(path).template read<T>();
  }

 protected:
  using Object::Object;
};

class File : public Group {
 public:
  static File create(const std::string& path);  // creates or truncates
  static File open(const std::string& path, bool writable = false);
  void flush();
  // Flushes and closes, throwing on failure (a full disk: "lib.h5: no space left on device (...)").
  // Every writer calls it last: the destructor cannot report errors. Objects of the file still
  // alive keep HDF5's file open until they close, but everything written so far is on disk.
  void close();

 private:
  using Group::Group;
};

}  // namespace tlsx::h5
