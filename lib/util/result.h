/// \file
/// Result<T> and Status: expected failures as values (LevelDB/Abseil style). A failed
/// result carries a one-line, human-readable reason meant for logs and diagnostics.
/// Values are plain data; no thread-safety concerns beyond those of T.
#ifndef POSTSEAL_UTIL_RESULT_H
#define POSTSEAL_UTIL_RESULT_H

#include <string>
#include <utility>
#include <variant>

namespace postseal {

/// The reason an operation failed.
struct Error {
  std::string message;
};

/// Success or an Error; the result of an operation that yields no value.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error e) : error_(std::move(e.message)), ok_(false) {}  // NOLINT: implicit by design
  static Status ok_status() { return Status(); }

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  /// The failure reason; empty when ok().
  const std::string& message() const { return error_; }

 private:
  std::string error_;
  bool ok_ = true;
};

/// A T on success or an Error. value() on a failed Result is a programming error.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Error e) : v_(std::move(e)) {}      // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  const T& value() const& { return std::get<0>(v_); }
  T& value() & { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const T& operator*() const& { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }
  /// The failure reason; empty when ok().
  const std::string& message() const {
    static const std::string kEmpty;
    return ok() ? kEmpty : std::get<1>(v_).message;
  }
  /// The failure as a Status (ok when this holds a value).
  Status status() const { return ok() ? Status() : Status(std::get<1>(v_)); }

 private:
  std::variant<T, Error> v_;
};

}  // namespace postseal

#endif  // POSTSEAL_UTIL_RESULT_H
