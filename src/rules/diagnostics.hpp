#pragma once
// Load diagnostics with Falco's codes, descriptions, item types and context chains, rendered in
// Falco's `-V` text and JSON forms (falco userspace/engine/falco_load_result.cpp, rule_loader.cpp).

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "rules/ast.hpp"

namespace kestrel::rules {

// In Falco's enum order: the order is visible in summaries and in tests that sort by code.
enum class LoadErrorCode : uint8_t {
    kFileRead,
    kYamlParse,
    kYamlValidate,
    kCompileCondition,
    kCompileOutput,
    kValidate,
    kExtension,
};

enum class LoadWarningCode : uint8_t {
    kUnknownSource,
    kUnsafeNaCheck,
    kNoEvttype,
    kUnknownFilter,
    kUnusedMacro,
    kUnusedList,
    kUnknownItem,
    kDeprecatedItem,
    kWarningExtension,
    kAppendNoValues,
    kExceptionNameNotUnique,
    kInvalidMacroName,
    kInvalidListName,
    kCompileCondition,
    kUnknownKey,
};

std::string_view code_name(LoadErrorCode c);   // "LOAD_ERR_YAML_PARSE"
std::string_view code_str(LoadErrorCode c);    // "YAML parse error"
std::string_view code_name(LoadWarningCode c); // "LOAD_UNUSED_MACRO"
std::string_view code_str(LoadWarningCode c);  // "Unused macro"
std::string_view code_desc(LoadWarningCode c); // the long description Falco puts in JSON

// The kinds of things a diagnostic location points at (Falco's item_type strings).
enum class ItemType : uint8_t {
    kValueFor,
    kExceptions,
    kException,
    kExceptionValues,
    kExceptionValue,
    kRulesContent,
    kRulesContentItem,
    kRequiredEngineVersion,
    kRequiredPluginVersions,
    kRequiredPluginVersionsEntry,
    kRequiredPluginVersionsAlternative,
    kList,
    kListItem,
    kMacro,
    kMacroCondition,
    kRule,
    kRuleCondition,
    kConditionExpression,
    kRuleOutput,
    kRuleOutputExpression,
    kRulePriority,
    kOverrides,
    kExtensionItem,
};
std::string_view item_type_name(ItemType t);

// A position in a rules file as yaml-cpp reports it: 0-based line and column, byte offset.
struct Position {
    size_t offset = 0;
    size_t line = 0;
    size_t column = 0;
};

struct Location {
    std::string name; // file name, or a quoted prefix of a condition for condition expressions
    Position pos;
    ItemType item_type = ItemType::kRulesContent;
    std::string item_name;
};

// A chain of locations, outermost first (file, then item, then key ...), like Falco's context.
class Context {
  public:
    Context() = default;
    explicit Context(std::string file_name); // the whole document
    Context(Position pos, ItemType type, std::string item_name, const Context& parent);
    // A position inside a condition string, relative to where the condition sits (Falco adds
    // the parser's 1-based line/column to the parent's 0-based ones; kept as is for parity).
    static Context in_condition(const ast::Pos& pos, const std::string& condition,
                                const Context& parent);

    [[nodiscard]] const std::vector<Location>& locations() const { return locs_; }
    [[nodiscard]] const std::string& file_name() const;
    [[nodiscard]] bool empty() const { return locs_.empty(); }

    // "In rule 'x': (file.yaml:3:2)\n    ..." as in `falco -V` text output.
    [[nodiscard]] std::string as_string() const;
    // The source line around the innermost position with a caret under it.
    [[nodiscard]] std::string snippet(const std::map<std::string, std::string>& contents,
                                      size_t width = kSnippetWidth) const;

    static constexpr size_t kSnippetWidth = 160;

  private:
    std::vector<Location> locs_;
    std::string alt_content_; // the condition text for condition-expression contexts
};

struct LoadError {
    LoadErrorCode code;
    std::string message;
    Context ctx;
};

struct LoadWarning {
    LoadWarningCode code;
    std::string message;
    Context ctx;
};

// The outcome of loading one rules file (Falco's rule_loader::result).
class LoadResult {
  public:
    explicit LoadResult(std::string name = "") : name_(std::move(name)) {}

    void add_error(LoadErrorCode code, std::string message, Context ctx);
    void add_warning(LoadWarningCode code, std::string message, Context ctx);

    [[nodiscard]] const std::string& name() const { return name_; }
    [[nodiscard]] bool successful() const { return errors_.empty(); }
    [[nodiscard]] bool has_warnings() const { return !warnings_.empty(); }
    [[nodiscard]] const std::vector<LoadError>& errors() const { return errors_; }
    [[nodiscard]] const std::vector<LoadWarning>& warnings() const { return warnings_; }
    [[nodiscard]] bool has_warning(LoadWarningCode code) const;

    // `falco -V` without -v: "<name>: Ok, with warnings\n 1 warnings: [CODE (str)]".
    [[nodiscard]] std::string as_summary_string() const;
    // `falco -V -v` text: every diagnostic with its context chain and snippet.
    [[nodiscard]] std::string
    as_verbose_string(const std::map<std::string, std::string>& contents) const;
    // `falco -V -o json_output=true`: one element of "falco_load_results" (keys sorted, compact).
    [[nodiscard]] std::string as_json(const std::map<std::string, std::string>& contents) const;

  private:
    std::string name_;
    std::vector<LoadError> errors_;
    std::vector<LoadWarning> warnings_;
};

// JSON string literal with the escaping nlohmann::json::dump() applies.
std::string json_quote(std::string_view s);

} // namespace kestrel::rules
