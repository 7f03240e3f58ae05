/// \file
/// The three exceptions that abort a unit of work (STYLE.md "Error handling"). They are
/// caught in exactly three places: main, the filter's per-message handler and policyd's
/// per-request handler. Expected outcomes (verdicts, malformed input) are values instead.
#ifndef POSTSEAL_UTIL_ERRORS_H
#define POSTSEAL_UTIL_ERRORS_H

#include <stdexcept>
#include <string>

namespace postseal {

/// Trouble that may go away by itself (I/O, resources, next hop): try again later.
class TempFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A configuration file, option value, key or table is wrong; an operator must act.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The command line is wrong.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace postseal

#endif  // POSTSEAL_UTIL_ERRORS_H
