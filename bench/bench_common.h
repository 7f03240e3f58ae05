/// \file
/// What sign_bench and verify_bench share: their common options (--seconds S, --case
/// NAME, --help), parsed in one place; the timed loop; and whole-file reads and writes
/// for the key and message files they exchange with the other benchmarks. Header-only;
/// bench programs only, never the library. Single-threaded.
#ifndef POSTSEAL_BENCH_BENCH_COMMON_H
#define POSTSEAL_BENCH_BENCH_COMMON_H

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace postseal::bench {

struct BenchArgs {
  double seconds = 2.0;            ///< time spent on each case
  std::vector<std::string> cases;  ///< --case values; empty means all cases

  /// True when case `name` is to run.
  bool wanted(std::string_view name) const {
    if (cases.empty()) return true;
    for (const auto& c : cases)
      if (c == name) return true;
    return false;
  }
};

/// Handles a program's own option `name`; `value` is the next argument (nullptr when
/// there is none). Returns the number of arguments used: 1 for a flag, 2 for an option
/// with a value, 0 when `name` is unknown or its value is missing.
using OtherOption = std::function<int(std::string_view name, const char* value)>;

/// Parses argv into `args`, passing options other than --help, --seconds and --case to
/// `other`. Returns -1 to go on, or the exit code to return now: 0 after --help (usage
/// printed to stdout), 64 (EX_USAGE) after a bad option (usage or reason on stderr).
inline int parse_bench_args(int argc, char** argv, const char* program,
                            void (*usage)(std::ostream&), const OtherOption& other,
                            BenchArgs& args) {
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    const char* value = i + 1 < argc ? argv[i + 1] : nullptr;
    if (a == "--help" || a == "-h") {
      usage(std::cout);
      return 0;
    }
    if ((a == "--seconds" || a == "--case") && value == nullptr) {
      usage(std::cerr);
      return 64;
    }
    if (a == "--seconds") {
      args.seconds = std::atof(value);
      if (args.seconds <= 0) {
        std::cerr << program << ": --seconds must be positive\n";
        return 64;
      }
      ++i;
    } else if (a == "--case") {
      args.cases.emplace_back(value);
      ++i;
    } else if (int used = other(a, value); used > 0) {
      i += used - 1;
    } else {
      usage(std::cerr);
      return 64;
    }
  }
  return -1;
}

struct Timed {
  uint64_t count = 0;    ///< calls made in the timed period
  double seconds = 0.0;  ///< the period's length, measured
  bool ok = true;        ///< false when a call failed (the loop stopped there)
};

/// Calls `once()` (returning bool: false stops the loop as a failure) over and over until
/// `seconds` have passed, at least once, reading a steady clock after each call.
template <class F>
Timed run_timed(double seconds, F&& once) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const auto limit = start + std::chrono::duration<double>(seconds);
  Timed t;
  Clock::time_point now;
  do {
    if (!once()) {
      t.ok = false;
      return t;
    }
    ++t.count;
    now = Clock::now();
  } while (now < limit);
  t.seconds = std::chrono::duration<double>(now - start).count();
  return t;
}

/// Reads the whole file at `path` into `out`. Returns false when it cannot be read.
inline bool read_file(const std::string& path, std::string& out) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  out = s.str();
  return static_cast<bool>(f);
}

/// Writes `data` to `path`, replacing it. Returns false when it cannot be written.
inline bool write_file(const std::string& path, std::string_view data) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(data.data(), static_cast<std::streamsize>(data.size()));
  f.close();
  return static_cast<bool>(f);
}

}  // namespace postseal::bench

#endif  // POSTSEAL_BENCH_BENCH_COMMON_H
