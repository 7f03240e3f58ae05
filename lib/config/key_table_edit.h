/// \file
/// Reading and changing one entry of an OpenDKIM KeyTable as text, for `postseal rotate`:
/// the entries ("NAME DOMAIN:SELECTOR:KEY") with their line numbers, and the table with
/// one entry's selector and key replaced, every other byte (comments, blank lines, other
/// entries, line endings) kept. Pure: the caller reads and writes the file. Thread-safe.
#ifndef POSTSEAL_CONFIG_KEY_TABLE_EDIT_H
#define POSTSEAL_CONFIG_KEY_TABLE_EDIT_H

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace postseal::config {

struct KeyTableEntry {
  std::size_t line = 0;  ///< 1-based
  std::string name, domain, selector, key;
};

/// The entries of a KeyTable's text, in order; comment ('#' to the end of the line) and
/// blank lines skipped. On failure (a line that is not "NAME DOMAIN:SELECTOR:KEY")
/// returns an Error "line N: ...".
Result<std::vector<KeyTableEntry>> key_table_entries(std::string_view text);

/// `text` with the entry on `line` (1-based) changed to `selector` and `key`; its name,
/// domain, spacing and trailing comment are kept, and so is every other line. On failure
/// (no entry on that line) returns an Error.
Result<std::string> replace_key_table_entry(std::string_view text, std::size_t line,
                                            std::string_view selector, std::string_view key);

}  // namespace postseal::config

#endif  // POSTSEAL_CONFIG_KEY_TABLE_EDIT_H
