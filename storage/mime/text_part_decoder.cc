#include "storage/mime/text_part_decoder.h"

#include <algorithm>

namespace mailhoard::mime {
namespace {
constexpr size_t kSlice = 16 * 1024;
}  // namespace

TextPartDecoder::TextPartDecoder(TransferEncoding encoding, std::string_view charset, bool html,
                                 TextSink* sink)
    : encoding_(encoding), charset_(charset), html_(html), sink_(sink) {}

void TextPartDecoder::Write(std::string_view in) {
  while (!in.empty() && !sink_->full()) {
    std::string_view slice = in.substr(0, std::min(in.size(), kSlice));
    in.remove_prefix(slice.size());
    switch (encoding_) {
      case TransferEncoding::kIdentity:
        Decoded(slice, false);
        break;
      case TransferEncoding::kQuotedPrintable:
        decoded_.clear();
        qp_.Write(slice, decoded_);
        Decoded(decoded_, false);
        break;
      case TransferEncoding::kBase64:
        decoded_.clear();
        base64_.Write(slice, decoded_);
        Decoded(decoded_, false);
        break;
    }
  }
}

void TextPartDecoder::Finish() {
  if (sink_->full()) return;
  decoded_.clear();
  if (encoding_ == TransferEncoding::kQuotedPrintable) qp_.Finish(decoded_);
  if (encoding_ == TransferEncoding::kBase64) base64_.Finish(decoded_);
  Decoded(decoded_, true);
}

void TextPartDecoder::Decoded(std::string_view bytes, bool final) {
  utf8_.clear();
  charset_.Write(bytes, utf8_);
  if (final) charset_.Finish(utf8_);
  if (!html_) {
    sink_->Append(utf8_);
    return;
  }
  text_.clear();
  html_text_.Write(utf8_, text_);
  if (final) html_text_.Finish(text_);
  sink_->Append(text_);
}

}  // namespace mailhoard::mime
