/// \file
/// The one option table (Knot's schema row + Postfix's VAR/DEF pair): name, type,
/// default, description and the programs that use each option. Everything else is
/// generated from it: Boost.Program_options descriptions (so --help shows defaults),
/// the config-file reader, and --check-config's listing. Precedence: built-in default,
/// then /etc/postseal/postseal.conf (or --config), then the command line. Settings are
/// immutable once loaded; share freely between threads.
#ifndef POSTSEAL_CONFIG_OPTIONS_H
#define POSTSEAL_CONFIG_OPTIONS_H

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/program_options.hpp>

#include "util/result.h"

namespace postseal::config {

/// Which programs use an option (a bit mask); `postseal sign` and `postseal verify` count
/// as programs of their own, so each --help lists only what it uses.
enum Program : unsigned {
  kFilter = 1,
  kPolicyd = 2,
  kSignTool = 4,
  kVerifyTool = 8,
  kReportTool = 16,
  kKeyTool = 32,  ///< postseal testkey and check-dns
  kTool = kSignTool | kVerifyTool | kReportTool | kKeyTool,
};

enum class OptionType {
  kString,
  kBool,  ///< yes/no, true/false, 1/0, on/off
  kUint,
  kList,  ///< separated by ':' ',' or whitespace
};

struct OptionSpec {
  std::string_view
      name;  ///< lowercase, hyphenated; the same in the file and on the command line
  OptionType type;
  std::string_view default_value;  ///< as text; empty means unset
  std::string_view description;    ///< one line
  unsigned programs;
};

/// Every option postseal knows, in documentation order.
std::span<const OptionSpec> option_table();

/// The row for `name`, or nullptr.
const OptionSpec* find_option(std::string_view name);

/// Splits a list value at ':' ',' and whitespace, dropping empty items. Never fails.
std::vector<std::string> split_list(std::string_view value);

/// yes/no, true/false, 1/0, on/off (any case). On failure returns an Error.
Result<bool> parse_bool(std::string_view value);

/// `args` with every bare boolean option ("--body-length") spelled "--body-length=yes",
/// so that the word after it is never taken as its value (Boost reads the next word
/// as an implicit value's argument: "--body-length FILE" would mean body-length=FILE).
/// Never fails.
std::vector<std::string> explicit_flags(std::vector<std::string> args);

/// The text of a postseal.conf that lists every option the file may hold (all but
/// "config"), each commented out as "#name = default" under its description and the
/// programs that read it, for the installed /etc/postseal/postseal.conf. Uncommenting
/// every option line gives a valid file with the built-in defaults. Never fails.
std::string commented_defaults();

/// The configuration file to read: the one named by --config in `cmdline`, else the
/// built-in default when that file exists (it is optional), else empty (none).
std::string config_file_to_read(const boost::program_options::variables_map& cmdline);

class Settings {
 public:
  /// Adds the options of `programs` to `desc` with their help text and defaults shown,
  /// without Boost defaults (so the command line can be told apart from the default).
  static void describe(boost::program_options::options_description& desc, unsigned programs);

  /// Builds the effective settings: defaults, then `config_file` (skipped when empty),
  /// then the options of `cmdline` that describe() added. Throws ConfigError with
  /// "FILE:LINE: ..." for an unknown option or invalid value in the file, and with the
  /// option name for an invalid command-line value, or when the file cannot be read.
  static Settings load(const boost::program_options::variables_map& cmdline,
                       const std::string& config_file, unsigned programs);

  /// Typed access. Asking for an option that is not in the table, or with the wrong type,
  /// is a programming error (POSTSEAL_CHECK).
  const std::string& str(std::string_view name) const;
  bool flag(std::string_view name) const;
  uint64_t uint(std::string_view name) const;
  std::vector<std::string> list(std::string_view name) const;

  /// "name = value" lines for every option of the programs, like postconf; with
  /// only_changed, just those that differ from the default (postconf -n).
  std::string dump(bool only_changed) const;

 private:
  unsigned programs_ = 0;
  std::map<std::string, std::string, std::less<>> values_;
};

}  // namespace postseal::config

#endif  // POSTSEAL_CONFIG_OPTIONS_H
