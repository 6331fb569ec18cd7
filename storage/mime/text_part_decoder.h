// The decoding chain of one text part: transfer decoding, charset
// conversion to UTF-8, optional HTML stripping, into a bounded TextSink.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "storage/mime/charset.h"
#include "storage/mime/html_text.h"
#include "storage/mime/text_sink.h"
#include "storage/mime/transfer_encoding.h"

namespace mailhoard::mime {

class TextPartDecoder {
 public:
  TextPartDecoder(TransferEncoding encoding, std::string_view charset, bool html, TextSink* sink);

  // Raw part body bytes, split anywhere. Work is done in slices so scratch
  // buffers stay small whatever the caller's chunk size.
  void Write(std::string_view in);
  void Finish();

 private:
  void Decoded(std::string_view bytes, bool final);

  TransferEncoding encoding_;
  QuotedPrintableDecoder qp_;
  Base64Decoder base64_;
  CharsetConverter charset_;
  bool html_;
  HtmlTextExtractor html_text_;
  TextSink* sink_;
  std::string decoded_, utf8_, text_;  // scratch, reused
};

}  // namespace mailhoard::mime
