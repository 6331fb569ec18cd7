#include "storage/mime/transfer_encoding.h"

#include <catch2/catch.hpp>
#include <random>

namespace mailhoard::mime {
namespace {

template <typename Decoder>
std::string DecodeSplit(std::string_view in, size_t step) {
  Decoder d;
  std::string out;
  for (size_t i = 0; i < in.size(); i += step) d.Write(in.substr(i, step), out);
  d.Finish(out);
  return out;
}

template <typename Decoder>
std::string DecodeAllSplits(std::string_view in) {
  std::string whole = DecodeSplit<Decoder>(in, in.size() + 1);
  for (size_t step = 1; step <= 7; ++step) CHECK(DecodeSplit<Decoder>(in, step) == whole);
  return whole;
}

TEST_CASE("Quoted-printable decoding (RFC 2045 6.7)", "[mime][qp]") {
  using D = QuotedPrintableDecoder;
  CHECK(DecodeAllSplits<D>("a=3Db=3db") == "a=b=b");
  CHECK(DecodeAllSplits<D>("soft =\r\nbreak") == "soft break");
  CHECK(DecodeAllSplits<D>("soft =\nbreak") == "soft break");
  CHECK(DecodeAllSplits<D>("padded = \t\r\nbreak") == "padded break");
  CHECK(DecodeAllSplits<D>("keep = x") == "keep = x");
  CHECK(DecodeAllSplits<D>("bad =ZZ hex =4") == "bad =ZZ hex =4");
  CHECK(DecodeAllSplits<D>("end=") == "end=");
  CHECK(DecodeAllSplits<D>("=E9t=E9\r\n") == "\xE9t\xE9\r\n");
}

TEST_CASE("Base64 decoding (RFC 2045 6.8)", "[mime][base64]") {
  using D = Base64Decoder;
  CHECK(DecodeAllSplits<D>("aGVsbG8gd29ybGQ=") == "hello world");
  CHECK(DecodeAllSplits<D>("aGVs\r\nbG8g\r\nd29y\r\nbGQ=\r\n") == "hello world");
  CHECK(DecodeAllSplits<D>("aGVsbG8") == "hello");      // missing padding
  CHECK(DecodeAllSplits<D>("aG!V*sb G8=") == "hello");  // junk ignored
  CHECK(DecodeAllSplits<D>("YQ==Yg==") == "ab");        // concatenated bodies
  CHECK(DecodeAllSplits<D>("") == "");
}

TEST_CASE("RFC 2047 Q and B word encodings are strict", "[mime][rfc2047]") {
  std::string out;
  CHECK(DecodeQEncoding("a_b=20c", out));
  CHECK(out == "a b c");
  out.clear();
  CHECK_FALSE(DecodeQEncoding("a=2", out));
  out.clear();
  CHECK(DecodeBEncoding("YWI=", out));
  CHECK(out == "ab");
  out.clear();
  CHECK_FALSE(DecodeBEncoding("YW I=", out));
  CHECK_FALSE(DecodeBEncoding("YQ==YQ", out));
}

TEST_CASE("ParseTransferEncoding", "[mime][qp]") {
  CHECK(ParseTransferEncoding(" Quoted-Printable ") == TransferEncoding::kQuotedPrintable);
  CHECK(ParseTransferEncoding("BASE64") == TransferEncoding::kBase64);
  CHECK(ParseTransferEncoding("\"base64\"") == TransferEncoding::kBase64);
  CHECK(ParseTransferEncoding("7bit") == TransferEncoding::kIdentity);
  CHECK(ParseTransferEncoding("x-uuencode") == TransferEncoding::kIdentity);
}

}  // namespace
}  // namespace mailhoard::mime
