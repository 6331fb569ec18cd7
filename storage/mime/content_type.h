// Content-Type / Content-Disposition parsing (RFC 2045 §5.1, RFC 2183) with
// RFC 2231 parameter continuations and charset/language extended values.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mailhoard::mime {

// Parameters by lower-cased name. RFC 2231 segments ("name*0", "name*1*")
// are already joined and percent-decoded; extended values are converted to
// UTF-8 from their declared charset.
class ParameterList {
 public:
  std::optional<std::string_view> Get(std::string_view name) const;
  void Set(std::string name, std::string value);
  size_t size() const { return params_.size(); }

 private:
  std::vector<std::pair<std::string, std::string>> params_;
};

// Parses "; a=b; c="d"" (the text after the main value). Bounded: at most 64
// parameters of at most 8 KiB each are kept.
ParameterList ParseParameters(std::string_view s);

struct ContentType {
  std::string type = "text";  // lower-cased
  std::string subtype = "plain";
  ParameterList params;
  bool Is(std::string_view t, std::string_view st) const { return type == t && subtype == st; }
};

// RFC 2045 §5.2: a missing or unparsable Content-Type means text/plain
// (us-ascii); `fallback` lets multipart/digest (RFC 2046 §5.1.5) default to
// message/rfc822 instead.
ContentType ParseContentType(std::optional<std::string_view> value,
                             std::string_view fallback = "text/plain");

struct ContentDisposition {
  std::string type;  // lower-cased: "inline", "attachment", "" if absent
  ParameterList params;
};
ContentDisposition ParseContentDisposition(std::optional<std::string_view> value);

}  // namespace mailhoard::mime
