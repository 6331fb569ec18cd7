#include "storage/mime/html_text.h"

#include <catch2/catch.hpp>

namespace mailhoard::mime {
namespace {

std::string Strip(std::string_view html, size_t step = 0) {
  HtmlTextExtractor h;
  std::string out;
  if (step == 0) step = html.size() + 1;
  for (size_t i = 0; i < html.size(); i += step) h.Write(html.substr(i, step), out);
  h.Finish(out);
  return out;
}

std::string StripAllSplits(std::string_view html) {
  std::string whole = Strip(html);
  for (size_t step = 1; step <= 5; ++step) CHECK(Strip(html, step) == whole);
  return whole;
}

TEST_CASE("HTML tags are dropped, blocks become line breaks", "[mime][html]") {
  CHECK(StripAllSplits("<p>Hello <b>bold</b> world</p><p>Next</p>") == "Hello bold world\nNext\n");
  CHECK(StripAllSplits("line<br>break<BR/>again") == "line\nbreak\nagain");
  CHECK(StripAllSplits("  lots   of\n\n  space  ") == "lots of space");
  CHECK(StripAllSplits("<td>a</td><td>b</td>") == "a b");
}

TEST_CASE("HTML script, style, comments and declarations vanish", "[mime][html]") {
  CHECK(StripAllSplits("<!DOCTYPE html><?xml x?>a<script>var s = '<p>no</p>';</script>b") == "ab");
  CHECK(StripAllSplits("<STYLE type=\"text/css\">p{}</STYLE >x") == "x");
  CHECK(StripAllSplits("a<!-- <p>hidden</p> -- still -->b") == "ab");
  CHECK(StripAllSplits("<a href=\"x>y\" title='>'>link</a>") == "link");
  CHECK(StripAllSplits("<script>if (a</b) x();</scripts></script>after") == "after");
}

TEST_CASE("HTML character references", "[mime][html]") {
  CHECK(StripAllSplits("&lt;&gt;&amp;&quot;&apos;") == "<>&\"'");
  CHECK(StripAllSplits("caf&eacute; &euro;&#8364;&#x20AC;&#X20ac;") == "café €€€€");
  CHECK(StripAllSplits("AT&T &unknown; &nbsp;x &copy 2024") == "AT&T &unknown; x © 2024");
  CHECK(StripAllSplits("&#0;&#xD800;&#99999999;") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(StripAllSplits("soft&shy;hyphen") == "softhyphen");
  CHECK(StripAllSplits("a < b") == "a < b");
}

}  // namespace
}  // namespace mailhoard::mime
