#include "tlsx/io/hdf5_file.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "tlsx/core/error.hpp"

namespace tlsx::h5 {

namespace {

using detail::Handle;

// HDF5 prints its error stack to stderr by default; we report one line instead.
// Also: no HDF5 clean-up at exit. Every file we write is closed (File::close) before we finish; a
// file whose write failed (a full disk) stays dirty in HDF5's cache, and the library's exit handler,
// flushing it again, crashed the program (exit 139) after the error had been reported.
void silence_hdf5() {
  static const bool done = [] {
    H5dont_atexit();  // must precede every other HDF5 call
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    return true;
  }();
  (void)done;
}

// The most specific message on HDF5's error stack ("file signature not found"), or "".
std::string hdf5_reason() {
  std::string reason;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD,
           [](unsigned n, const H5E_error2_t* e, void* out) -> herr_t {
             if (n == 0 && e->desc) *static_cast<std::string*>(out) = e->desc;
             return 0;
           },
           &reason);
  H5Eclear2(H5E_DEFAULT);
  return reason;
}

// The system error behind a failed file write, from HDF5's message ("..., errno = 28, ..."): 0 if none.
int system_errno(const std::string& reason) {
  const std::size_t at = reason.find("errno = ");
  return at == std::string::npos ? 0 : std::atoi(reason.c_str() + at + 8);
}

std::string lowercase_first(std::string s) {
  if (!s.empty() && s[0] >= 'A' && s[0] <= 'Z') s[0] = static_cast<char>(s[0] - 'A' + 'a');
  return s;
}

// "lib.h5: no space left on device (cannot write dataset /glasses/energy)" when the system said why,
// else "lib.h5: /glasses/energy: cannot write dataset (HDF5's reason)".
[[noreturn]] void fail(const std::string& where, const std::string& what) {
  const std::string reason = hdf5_reason();
  if (const int e = system_errno(reason)) {
    const std::size_t colon = where.find(": ");
    const std::string file = where.substr(0, colon), object = colon == std::string::npos ? "" : where.substr(colon + 2);
    throw Error(file + ": " + lowercase_first(std::strerror(e)) + " (" + what + (object.empty() ? "" : " " + object) + ")");
  }
  throw Error(where + ": " + what + (reason.empty() ? "" : " (" + reason + ")"));
}

herr_t close_object(hid_t id) { return H5Oclose(id); }

std::shared_ptr<Handle> own(hid_t id, Handle::Closer close) { return std::make_shared<Handle>(id, close); }

// Splits "a/b/c" into its components, ignoring empty ones.
std::vector<std::string> components(const std::string& path) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t slash = std::min(path.find('/', start), path.size());
    if (slash > start) out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

template <class Dims>
std::size_t product(const Dims& s, std::size_t from = 0) {
  std::size_t p = 1;
  for (std::size_t k = from; k < s.size(); ++k) p *= static_cast<std::size_t>(s[k]);
  return p;
}

// The number of elements of a dataset's extents, checked: a file may claim extents whose product
// overflows or whose bytes it does not hold (a truncated or corrupt file, or a dataset that was
// never written); reading must not trust them to size a buffer. Datasets without filters store
// every byte they hold; filtered (compressed) ones are trusted, as their size is the decoder's.
std::size_t checked_count(hid_t dataset, const Shape& s, std::size_t memory_element, const std::string& where) {
  std::size_t count = 1;
  for (const std::size_t d : s)
    if (d != 0 && count > SIZE_MAX / d) throw Error(where + ": dataset extents overflow");
    else count *= d;
  if (count == 0) return 0;
  if (count > SIZE_MAX / std::max<std::size_t>(memory_element, 1)) throw Error(where + ": dataset extents overflow");
  Handle type(H5Dget_type(dataset), H5Tclose);
  Handle dcpl(H5Dget_create_plist(dataset), H5Pclose);
  const bool vlen = H5Tis_variable_str(type.id()) > 0;
  if (!vlen && dcpl.id() >= 0 && H5Pget_nfilters(dcpl.id()) == 0) {
    const std::size_t element = H5Tget_size(type.id());
    const hsize_t stored = H5Dget_storage_size(dataset);
    if (element == 0 || count > SIZE_MAX / element || stored < count * element)
      throw Error(where + ": dataset of " + std::to_string(count) + " values stores only " + std::to_string(stored) +
                  " bytes (truncated, corrupt or never written)");
  }
  H5Eclear2(H5E_DEFAULT);
  return count;
}

std::vector<hsize_t> to_hsize(const Shape& s) { return std::vector<hsize_t>(s.begin(), s.end()); }

// ---- element types ----

template <class T>
struct Element;
template <>
struct Element<double> {
  static hid_t memory() { return H5T_NATIVE_DOUBLE; }
  static hid_t file() { return H5T_IEEE_F64LE; }
};
template <>
struct Element<std::int32_t> {
  static hid_t memory() { return H5T_NATIVE_INT32; }
  static hid_t file() { return H5T_STD_I32LE; }
};
template <>
struct Element<std::int64_t> {
  static hid_t memory() { return H5T_NATIVE_INT64; }
  static hid_t file() { return H5T_STD_I64LE; }
};
template <>
struct Element<std::uint8_t> {
  static hid_t memory() { return H5T_NATIVE_UINT8; }
  static hid_t file() { return H5T_STD_U8LE; }
};

// A string type: variable-length (size 0) or fixed of `size` bytes, UTF-8.
std::shared_ptr<Handle> string_type(std::size_t fixed_size) {
  const hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, fixed_size == 0 ? H5T_VARIABLE : fixed_size);
  H5Tset_cset(t, H5T_CSET_UTF8);
  if (fixed_size) H5Tset_strpad(t, H5T_STR_NULLPAD);
  return own(t, H5Tclose);
}

std::shared_ptr<Handle> simple_space(const std::vector<hsize_t>& dims, const std::vector<hsize_t>* max = nullptr) {
  if (dims.empty()) return own(H5Screate(H5S_SCALAR), H5Sclose);
  return own(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), max ? max->data() : nullptr), H5Sclose);
}

Shape space_shape(hid_t space) {
  const int rank = H5Sget_simple_extent_ndims(space);
  std::vector<hsize_t> dims(std::max(rank, 0));
  if (rank > 0) H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  return Shape(dims.begin(), dims.end());
}

// Reads strings of an attribute (is_attr) or a dataset selection into `out`.
// `file_type` is the stored type; `mem_space`/`file_space` select the elements (dataset only).
std::vector<std::string> read_strings(hid_t obj, bool is_attr, hid_t file_type, std::size_t count, hid_t mem_space,
                                      hid_t file_space, const std::string& where) {
  std::vector<std::string> out(count);
  if (count == 0) return out;
  if (H5Tis_variable_str(file_type) > 0) {
    std::shared_ptr<Handle> mt = string_type(0);
    std::vector<char*> buf(count, nullptr);
    const herr_t st = is_attr ? H5Aread(obj, mt->id(), buf.data())
                              : H5Dread(obj, mt->id(), mem_space, file_space, H5P_DEFAULT, buf.data());
    if (st < 0) fail(where, "cannot read strings");
    for (std::size_t k = 0; k < count; ++k) out[k] = buf[k] ? buf[k] : "";
    std::shared_ptr<Handle> space = simple_space({static_cast<hsize_t>(count)});
    H5Dvlen_reclaim(mt->id(), space->id(), H5P_DEFAULT, buf.data());
  } else {
    const std::size_t size = H5Tget_size(file_type);
    std::shared_ptr<Handle> mt = string_type(size);
    std::vector<char> buf(count * size, '\0');
    const herr_t st = is_attr ? H5Aread(obj, mt->id(), buf.data())
                              : H5Dread(obj, mt->id(), mem_space, file_space, H5P_DEFAULT, buf.data());
    if (st < 0) fail(where, "cannot read strings");
    const bool space_padded = H5Tget_strpad(file_type) == H5T_STR_SPACEPAD;
    for (std::size_t k = 0; k < count; ++k) {
      std::string s(buf.data() + k * size, size);
      s.resize(std::strlen(s.c_str()));
      if (space_padded) s.erase(s.find_last_not_of(' ') + 1);
      out[k] = s;
    }
  }
  return out;
}

// Writes `data` through `write(mem_type, buffer)` (H5Dwrite or H5Awrite).
template <class T, class Write>
herr_t write_elements(const std::vector<T>& data, hid_t type, Write&& write) {
  if constexpr (std::is_same_v<T, std::string>) {
    if (H5Tis_variable_str(type) > 0) {
      std::vector<const char*> ptrs(data.size());
      for (std::size_t k = 0; k < data.size(); ++k) ptrs[k] = data[k].c_str();
      return write(type, static_cast<const void*>(ptrs.data()));
    }
    const std::size_t size = H5Tget_size(type);
    std::vector<char> buf(data.size() * size, '\0');
    for (std::size_t k = 0; k < data.size(); ++k) std::memcpy(buf.data() + k * size, data[k].data(), data[k].size());
    return write(type, static_cast<const void*>(buf.data()));
  } else {
    return write(Element<T>::memory(), static_cast<const void*>(data.data()));
  }
}

// The stored type for T (strings: variable, or fixed at the longest string's length).
template <class T>
std::shared_ptr<Handle> file_type_for(const std::vector<T>& data, StringStorage strings) {
  if constexpr (std::is_same_v<T, std::string>) {
    if (strings == StringStorage::variable) return string_type(0);
    std::size_t longest = 1;
    for (const std::string& s : data) longest = std::max(longest, s.size());
    return string_type(longest);
  } else {
    (void)data;
    (void)strings;
    return own(H5Tcopy(Element<T>::file()), H5Tclose);
  }
}

bool is_string_type(hid_t t) { return H5Tget_class(t) == H5T_STRING; }

}  // namespace

// ---------------- Object ----------------

std::string Object::where(const std::string& name) const {
  return *file_ + ": " + (name.empty() ? path_ : child_path(name));
}

std::string Object::child_path(const std::string& name) const {
  if (!name.empty() && name[0] == '/') return name;
  return path_ == "/" ? "/" + name : path_ + "/" + name;
}

bool Object::has_attribute(const std::string& name) const {
  silence_hdf5();
  const htri_t e = H5Aexists(id(), name.c_str());
  if (e < 0) fail(where(), "cannot check attribute '" + name + "'");
  return e > 0;
}

std::vector<std::string> Object::attribute_names() const {
  std::vector<std::string> names;
  H5Aiterate2(id(), H5_INDEX_NAME, H5_ITER_INC, nullptr,
              [](hid_t, const char* n, const H5A_info_t*, void* out) -> herr_t {
                static_cast<std::vector<std::string>*>(out)->push_back(n);
                return 0;
              },
              &names);
  return names;
}

namespace {

// Creates (replacing) attribute `name` on `obj` with `data` of shape {data.size()} or scalar.
template <class T>
void put_attribute(const Object& obj, const std::string& name, const std::vector<T>& data, bool scalar,
                   const std::string& where) {
  silence_hdf5();
  if (H5Aexists(obj.id(), name.c_str()) > 0 && H5Adelete(obj.id(), name.c_str()) < 0)
    fail(where, "cannot replace attribute '" + name + "'");
  std::shared_ptr<Handle> type = file_type_for(data, StringStorage::variable);
  std::shared_ptr<Handle> space = scalar ? simple_space({}) : simple_space({static_cast<hsize_t>(data.size())});
  const hid_t a = H5Acreate2(obj.id(), name.c_str(), type->id(), space->id(), H5P_DEFAULT, H5P_DEFAULT);
  if (a < 0) fail(where, "cannot create attribute '" + name + "'");
  Handle attr(a, H5Aclose);
  hid_t mem = type->id();
  if constexpr (!std::is_same_v<T, std::string>) mem = Element<T>::memory();
  if (data.empty()) return;  // an empty list: the zero-length dataspace says it all
  const herr_t st = write_elements(data, mem, [&](hid_t t, const void* buf) { return H5Awrite(a, t, buf); });
  if (st < 0) fail(where, "cannot write attribute '" + name + "'");
}

// Reads attribute `name` as a flat vector of T (numbers converted by HDF5).
template <class T>
std::vector<T> get_attribute(const Object& obj, const std::string& name, const std::string& where) {
  silence_hdf5();
  if (H5Aexists(obj.id(), name.c_str()) <= 0) fail(where, "missing attribute '" + name + "'");
  const hid_t a = H5Aopen(obj.id(), name.c_str(), H5P_DEFAULT);
  if (a < 0) fail(where, "cannot open attribute '" + name + "'");
  Handle attr(a, H5Aclose);
  Handle type(H5Aget_type(a), H5Tclose);
  Handle space(H5Aget_space(a), H5Sclose);
  const std::size_t count = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.id()));
  const bool stored_string = is_string_type(type.id());
  if (stored_string != std::is_same_v<T, std::string>)
    fail(where, "attribute '" + name + "' is " + (stored_string ? "a string" : "not a string"));
  if constexpr (std::is_same_v<T, std::string>) {
    return read_strings(a, true, type.id(), count, H5S_ALL, H5S_ALL, where + " attribute '" + name + "'");
  } else {
    std::vector<T> out(count);
    if (count && H5Aread(a, Element<T>::memory(), out.data()) < 0)
      fail(where, "cannot read attribute '" + name + "' as a number");
    return out;
  }
}

template <class T>
T single(const std::vector<T>& v, const std::string& where, const std::string& name) {
  if (v.size() != 1)
    throw Error(where + ": attribute '" + name + "' has " + std::to_string(v.size()) + " elements, expected one");
  return v[0];
}

}  // namespace

void Object::set_attribute(const std::string& name, double v) {
  put_attribute(*this, name, std::vector<double>{v}, true, where());
}
void Object::set_attribute(const std::string& name, std::int64_t v) {
  put_attribute(*this, name, std::vector<std::int64_t>{v}, true, where());
}
void Object::set_attribute(const std::string& name, const std::string& v) {
  put_attribute(*this, name, std::vector<std::string>{v}, true, where());
}
void Object::set_attribute(const std::string& name, const std::vector<double>& v) {
  put_attribute(*this, name, v, false, where());
}
void Object::set_attribute(const std::string& name, const std::vector<std::int64_t>& v) {
  put_attribute(*this, name, v, false, where());
}
void Object::set_attribute(const std::string& name, const std::vector<int>& v) {
  put_attribute(*this, name, std::vector<std::int64_t>(v.begin(), v.end()), false, where());
}
void Object::set_attribute(const std::string& name, const std::vector<std::string>& v) {
  put_attribute(*this, name, v, false, where());
}

namespace {
template <class T>
struct IsVector : std::false_type {};
template <class T>
struct IsVector<std::vector<T>> : std::true_type {};
}  // namespace

template <class T>
T Object::attribute(const std::string& name) const {
  if constexpr (IsVector<T>::value) {
    return get_attribute<typename T::value_type>(*this, name, where());
  } else {
    return single(get_attribute<T>(*this, name, where()), where(), name);
  }
}

template double Object::attribute<double>(const std::string&) const;
template std::int64_t Object::attribute<std::int64_t>(const std::string&) const;
template std::string Object::attribute<std::string>(const std::string&) const;
template std::vector<double> Object::attribute<std::vector<double>>(const std::string&) const;
template std::vector<std::int64_t> Object::attribute<std::vector<std::int64_t>>(const std::string&) const;
template std::vector<std::string> Object::attribute<std::vector<std::string>>(const std::string&) const;

// ---------------- Dataset ----------------

Shape Dataset::shape() const {
  Handle space(H5Dget_space(id()), H5Sclose);
  return space_shape(space.id());
}

std::size_t Dataset::rows() const {
  const Shape s = shape();
  return s.empty() ? 1 : s[0];
}

bool Dataset::is_string() const {
  Handle type(H5Dget_type(id()), H5Tclose);
  return is_string_type(type.id());
}

template <class T>
std::vector<T> Dataset::read() const {
  static_assert(is_element_type<T>, "tlsx::h5: unsupported element type");
  silence_hdf5();
  Handle type(H5Dget_type(id()), H5Tclose);
  const bool stored_string = is_string_type(type.id());
  if (stored_string != std::is_same_v<T, std::string>)
    fail(where(), stored_string ? "holds strings, not numbers" : "holds numbers, not strings");
  const std::size_t count = checked_count(id(), shape(), sizeof(T), where());
  if constexpr (std::is_same_v<T, std::string>) {
    return read_strings(id(), false, type.id(), count, H5S_ALL, H5S_ALL, where());
  } else {
    std::vector<T> out(count);
    if (count && H5Dread(id(), Element<T>::memory(), H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) < 0)
      fail(where(), "cannot read dataset");
    return out;
  }
}

template <class T>
std::vector<T> Dataset::read_rows(std::size_t first, std::size_t count) const {
  static_assert(is_element_type<T>, "tlsx::h5: unsupported element type");
  silence_hdf5();
  Shape s = shape();
  if (s.empty()) fail(where(), "read_rows on a scalar dataset");
  checked_count(id(), s, sizeof(T), where());
  if (first > s[0] || count > s[0] - first)
    throw Error(where() + ": rows [" + std::to_string(first) + ", " + std::to_string(first + count) +
                ") requested, dataset has " + std::to_string(s[0]));
  Handle type(H5Dget_type(id()), H5Tclose);
  const bool stored_string = is_string_type(type.id());
  if (stored_string != std::is_same_v<T, std::string>)
    fail(where(), stored_string ? "holds strings, not numbers" : "holds numbers, not strings");
  Handle file_space(H5Dget_space(id()), H5Sclose);
  std::vector<hsize_t> start(s.size(), 0), block = to_hsize(s);
  start[0] = first;
  block[0] = count;
  H5Sselect_hyperslab(file_space.id(), H5S_SELECT_SET, start.data(), nullptr, block.data(), nullptr);
  std::shared_ptr<Handle> mem_space = simple_space(block);
  const std::size_t n = product(block);
  if constexpr (std::is_same_v<T, std::string>) {
    return read_strings(id(), false, type.id(), n, mem_space->id(), file_space.id(), where());
  } else {
    std::vector<T> out(n);
    if (n && H5Dread(id(), Element<T>::memory(), mem_space->id(), file_space.id(), H5P_DEFAULT, out.data()) < 0)
      fail(where(), "cannot read rows");
    return out;
  }
}

template <class T>
std::size_t Dataset::append(const std::vector<T>& data) {
  static_assert(is_element_type<T>, "tlsx::h5: unsupported element type");
  silence_hdf5();
  Shape s = shape();
  if (s.empty()) fail(where(), "append to a scalar dataset");
  const std::size_t row = product(s, 1);
  if (row == 0 || data.size() % row != 0)
    throw Error(where() + ": append of " + std::to_string(data.size()) + " values, not a multiple of the row size " +
                std::to_string(row));
  const std::size_t added = data.size() / row, old_rows = s[0];
  if (added == 0) return old_rows;
  std::vector<hsize_t> dims = to_hsize(s);
  dims[0] = old_rows + added;
  if (H5Dset_extent(id(), dims.data()) < 0) fail(where(), "cannot extend (not made by create_extendable?)");
  Handle file_space(H5Dget_space(id()), H5Sclose);
  std::vector<hsize_t> start(s.size(), 0), block = dims;
  start[0] = old_rows;
  block[0] = added;
  H5Sselect_hyperslab(file_space.id(), H5S_SELECT_SET, start.data(), nullptr, block.data(), nullptr);
  std::shared_ptr<Handle> mem_space = simple_space(block);
  Handle type(H5Dget_type(id()), H5Tclose);
  if (is_string_type(type.id()) != std::is_same_v<T, std::string>) fail(where(), "append of the wrong element type");
  hid_t mem = type.id();
  if constexpr (!std::is_same_v<T, std::string>) mem = Element<T>::memory();
  const herr_t st = write_elements(data, mem, [&](hid_t t, const void* buf) {
    return H5Dwrite(id(), t, mem_space->id(), file_space.id(), H5P_DEFAULT, buf);
  });
  if (st < 0) fail(where(), "cannot append");
  return dims[0];
}

// ---------------- Group ----------------

bool Group::exists(const std::string& path) const {
  silence_hdf5();
  std::string partial = !path.empty() && path[0] == '/' ? "/" : "";
  for (const std::string& c : components(path)) {
    partial += (partial.empty() || partial == "/" ? "" : "/") + c;
    if (H5Lexists(id(), partial.c_str(), H5P_DEFAULT) <= 0) return false;
    if (H5Oexists_by_name(id(), partial.c_str(), H5P_DEFAULT) <= 0) return false;
  }
  H5Eclear2(H5E_DEFAULT);
  return true;
}

namespace {
H5O_type_t object_type(hid_t loc, const std::string& path) {
  H5O_info_t info;
  if (H5Oget_info_by_name(loc, path.c_str(), &info, H5P_DEFAULT) < 0) return H5O_TYPE_UNKNOWN;
  return info.type;
}
}  // namespace

bool Group::is_group(const std::string& path) const {
  return exists(path) && object_type(id(), path) == H5O_TYPE_GROUP;
}

bool Group::is_dataset(const std::string& path) const {
  return exists(path) && object_type(id(), path) == H5O_TYPE_DATASET;
}

Group Group::open_group(const std::string& path) const {
  silence_hdf5();
  if (!exists(path)) throw Error(where(path) + ": no such group");
  if (object_type(id(), path) != H5O_TYPE_GROUP) throw Error(where(path) + ": not a group");
  const hid_t g = H5Gopen2(id(), path.c_str(), H5P_DEFAULT);
  if (g < 0) fail(where(path), "cannot open group");
  return Group(own(g, close_object), file_, child_path(path));
}

Group Group::create_group(const std::string& path) {
  silence_hdf5();
  if (exists(path)) throw Error(where(path) + ": already exists");
  Handle lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  H5Pset_create_intermediate_group(lcpl.id(), 1);
  const hid_t g = H5Gcreate2(id(), path.c_str(), lcpl.id(), H5P_DEFAULT, H5P_DEFAULT);
  if (g < 0) fail(where(path), "cannot create group");
  return Group(own(g, close_object), file_, child_path(path));
}

Group Group::require_group(const std::string& path) { return exists(path) ? open_group(path) : create_group(path); }

Dataset Group::open_dataset(const std::string& path) const {
  silence_hdf5();
  if (!exists(path)) throw Error(where(path) + ": no such dataset");
  if (object_type(id(), path) != H5O_TYPE_DATASET) throw Error(where(path) + ": not a dataset");
  const hid_t d = H5Dopen2(id(), path.c_str(), H5P_DEFAULT);
  if (d < 0) fail(where(path), "cannot open dataset");
  return Dataset(own(d, close_object), file_, child_path(path));
}

std::vector<std::string> Group::members() const {
  std::vector<std::string> names;
  H5Literate(id(), H5_INDEX_NAME, H5_ITER_INC, nullptr,
             [](hid_t, const char* n, const H5L_info_t*, void* out) -> herr_t {
               static_cast<std::vector<std::string>*>(out)->push_back(n);
               return 0;
             },
             &names);
  std::sort(names.begin(), names.end());
  return names;
}

void Group::remove(const std::string& path) {
  silence_hdf5();
  if (!exists(path)) throw Error(where(path) + ": no such object to remove");
  if (H5Ldelete(id(), path.c_str(), H5P_DEFAULT) < 0) fail(where(path), "cannot remove");
}

template <class T>
Dataset Group::write(const std::string& name, const std::vector<T>& data, const Shape& shape, StringStorage strings) {
  static_assert(is_element_type<T>, "tlsx::h5: unsupported element type");
  silence_hdf5();
  const Shape s = shape.empty() ? Shape{data.size()} : shape;
  if (product(s) != data.size())
    throw Error(where(name) + ": " + std::to_string(data.size()) + " values do not fill the shape given");
  if (exists(name)) remove(name);
  std::shared_ptr<Handle> type = file_type_for(data, strings);
  std::shared_ptr<Handle> space = simple_space(to_hsize(s));
  Handle lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  H5Pset_create_intermediate_group(lcpl.id(), 1);
  const hid_t d = H5Dcreate2(id(), name.c_str(), type->id(), space->id(), lcpl.id(), H5P_DEFAULT, H5P_DEFAULT);
  if (d < 0) fail(where(name), "cannot create dataset");
  Dataset ds(own(d, close_object), file_, child_path(name));
  hid_t mem = type->id();
  if constexpr (!std::is_same_v<T, std::string>) mem = Element<T>::memory();
  if (!data.empty()) {
    const herr_t st =
        write_elements(data, mem, [&](hid_t t, const void* buf) { return H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf); });
    if (st < 0) fail(where(name), "cannot write dataset");
  }
  return ds;
}

template <class T>
Dataset Group::create_extendable(const std::string& name, const Shape& row, std::size_t chunk_rows) {
  static_assert(is_element_type<T>, "tlsx::h5: unsupported element type");
  silence_hdf5();
  if (exists(name)) throw Error(where(name) + ": already exists");
  std::shared_ptr<Handle> type = file_type_for(std::vector<T>{}, StringStorage::variable);
  const std::size_t row_bytes = product(row) * (std::is_same_v<T, std::string> ? sizeof(char*) : sizeof(T));
  if (product(row) == 0) throw Error(where(name) + ": rows of an extendable dataset must not be empty");
  if (chunk_rows == 0) chunk_rows = std::max<std::size_t>(1, (64 * 1024) / row_bytes);
  std::vector<hsize_t> dims{0}, max{H5S_UNLIMITED}, chunk{chunk_rows};
  for (std::size_t d : row) {
    dims.push_back(d);
    max.push_back(d);
    chunk.push_back(d);
  }
  std::shared_ptr<Handle> space = simple_space(dims, &max);
  Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  H5Pset_chunk(dcpl.id(), static_cast<int>(chunk.size()), chunk.data());
  Handle lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  H5Pset_create_intermediate_group(lcpl.id(), 1);
  const hid_t d = H5Dcreate2(id(), name.c_str(), type->id(), space->id(), lcpl.id(), dcpl.id(), H5P_DEFAULT);
  if (d < 0) fail(where(name), "cannot create extendable dataset");
  return Dataset(own(d, close_object), file_, child_path(name));
}

// ---------------- File ----------------

File File::create(const std::string& path) {
  silence_hdf5();
  const hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (f < 0) fail(path, "cannot create HDF5 file");
  return File(own(f, H5Fclose), std::make_shared<const std::string>(path), "/");
}

File File::open(const std::string& path, bool writable) {
  silence_hdf5();
  if (H5Fis_hdf5(path.c_str()) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    FILE* probe = std::fopen(path.c_str(), "rb");
    if (!probe) throw Error(path + ": cannot open file");
    std::fclose(probe);
    throw Error(path + ": not an HDF5 file");
  }
  const hid_t f = H5Fopen(path.c_str(), writable ? H5F_ACC_RDWR : H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) fail(path, "cannot open HDF5 file");
  return File(own(f, H5Fclose), std::make_shared<const std::string>(path), "/");
}

void File::flush() {
  silence_hdf5();
  if (H5Fflush(id(), H5F_SCOPE_GLOBAL) < 0) fail(*file_, "cannot write the file");
}

void File::close() {
  if (handle_->id() < 0) return;
  silence_hdf5();
  // Everything still cached (data, metadata) reaches the disk here, so a full disk shows now.
  flush();
  const herr_t st = H5Fclose(handle_->id());
  handle_->forget();
  if (st < 0) fail(*file_, "cannot close the file");
}

// ---------------- instantiations ----------------

#define TLSX_H5_INSTANTIATE(T)                                                                                  \
  template std::vector<T> Dataset::read<T>() const;                                                             \
  template std::vector<T> Dataset::read_rows<T>(std::size_t, std::size_t) const;                                \
  template std::size_t Dataset::append<T>(const std::vector<T>&);                                              \
  template Dataset Group::write<T>(const std::string&, const std::vector<T>&, const Shape&, StringStorage);     \
  template Dataset Group::create_extendable<T>(const std::string&, const Shape&, std::size_t);
TLSX_H5_INSTANTIATE(double)
TLSX_H5_INSTANTIATE(std::int32_t)
TLSX_H5_INSTANTIATE(std::int64_t)
TLSX_H5_INSTANTIATE(std::uint8_t)
TLSX_H5_INSTANTIATE(std::string)
#undef TLSX_H5_INSTANTIATE

}  // namespace tlsx::h5
