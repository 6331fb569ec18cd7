#include "storage/maildir/message_writer.h"

#include <catch2/catch.hpp>

#include <random>

#include "storage/maildir/maildir.h"
#include "tests/storage/maildir/test_util.h"

namespace mailhoard::maildir {
namespace {

using testing::TempDir;

std::string HashOf(const std::string& bytes) {
  Sha256 h;
  h.Update(bytes.data(), bytes.size());
  return ToHex(h.Finish());
}

std::string ReadBack(const std::string& path) {
  Result<std::string> r = ReadSmallFile(*DefaultFileSystem(), path, 64 << 20);
  REQUIRE(r.ok());
  return *r;
}

std::string Crlf(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\n') out.push_back('\r');
    out.push_back(c);
  }
  return out;
}

// Feeds `input` to a writer in chunks ending at the given split points.
DeliveredMessage Deliver(Maildir& md, const std::string& input, const std::vector<size_t>& splits,
                         LineEndings mode, uint32_t uid = 1) {
  Result<MessageWriter> w = md.NewMessage("", mode);
  REQUIRE(w.ok());
  size_t pos = 0;
  for (size_t split : splits) {
    REQUIRE(w->Write(input.data() + pos, split - pos).ok());
    pos = split;
  }
  REQUIRE(w->Write(input.data() + pos, input.size() - pos).ok());
  Result<DeliveredMessage> d = w->Commit(uid, kFlagSeen, 1'600'000'000);
  REQUIRE(d.ok());
  return *d;
}

TEST_CASE("delivery stores the bytes exactly and hashes what it stored", "[writer]") {
  TempDir dir;
  Maildir md(DefaultFileSystem(), dir.path(), {.durability = Durability::kFull});
  REQUIRE(md.EnsureFolder("").ok());

  // Several write-buffer sizes, with binary content and all byte values.
  std::mt19937 rng(1);
  std::string body;
  for (int i = 0; i < 300'000; ++i) body.push_back(static_cast<char>(rng()));
  body += Crlf("\nSubject: x\n\nend\n");
  DeliveredMessage d =
      Deliver(md, body, {1, 100, 65'535, 65'536, 65'537, 200'000}, LineEndings::kAsIs, 77);
  std::string path = dir.path() + "/cur/" + d.file_name;
  CHECK(ReadBack(path) == body);
  CHECK(d.size == body.size());
  CHECK(ToHex(d.sha256) == HashOf(body));
  CHECK(d.stored == LineEndings::kAsIs);
  CHECK(d.uid == 77u);
  Result<ParsedName> p = ParseMessageName(d.file_name);
  REQUIRE(p.ok());
  CHECK(p->uid == 77u);
  CHECK(p->size == body.size());
  CHECK(p->flags == kFlagSeen);
  Result<FileInfo> st = DefaultFileSystem()->Stat(path);
  REQUIRE(st.ok());
  CHECK(st->mtime == 1'600'000'000);
  // Nothing left behind in tmp/.
  CHECK(DefaultFileSystem()->ListDir(dir.path() + "/tmp")->empty());
}

TEST_CASE("an empty message can be delivered", "[writer]") {
  TempDir dir;
  Maildir md(DefaultFileSystem(), dir.path(), {.durability = Durability::kNone});
  REQUIRE(md.EnsureFolder("").ok());
  DeliveredMessage d = Deliver(md, "", {}, LineEndings::kLf);
  CHECK(d.size == 0);
  CHECK(ToHex(d.sha256) == HashOf(""));
  CHECK(ReadBack(dir.path() + "/cur/" + d.file_name).empty());
}

TEST_CASE("lf mode turns only CRLF pairs into LF across any chunk split", "[writer]") {
  TempDir dir;
  Maildir md(DefaultFileSystem(), dir.path(), {.durability = Durability::kNone});
  REQUIRE(md.EnsureFolder("").ok());
  const std::string input = "a\r\nb\rc\n\r\r\n\r\n\n\rd\r";
  const std::string expected = "a\nb\rc\n\r\n\n\n\rd\r";
  // Every single split point, and every pair of split points.
  for (size_t i = 0; i <= input.size(); ++i) {
    for (size_t j = i; j <= input.size(); ++j) {
      INFO("splits " << i << "," << j);
      DeliveredMessage d = Deliver(md, input, {i, j}, LineEndings::kLf);
      CHECK(ReadBack(dir.path() + "/cur/" + d.file_name) == expected);
      CHECK(d.size == expected.size());
      CHECK(ToHex(d.sha256) == HashOf(expected));
      CHECK(d.stored == LineEndings::kLf);
    }
  }
  // One byte at a time.
  std::vector<size_t> every;
  for (size_t i = 1; i < input.size(); ++i) every.push_back(i);
  DeliveredMessage d = Deliver(md, input, every, LineEndings::kLf);
  CHECK(ReadBack(dir.path() + "/cur/" + d.file_name) == expected);
}

TEST_CASE("lf mode on a large message in random chunks", "[writer]") {
  TempDir dir;
  Maildir md(DefaultFileSystem(), dir.path(),
             {.durability = Durability::kNone, .write_buffer_bytes = 4096});
  REQUIRE(md.EnsureFolder("").ok());
  std::mt19937 rng(9);
  std::string input, expected;
  const char pieces[] = {'x', '\r', '\n'};
  for (int i = 0; i < 100'000; ++i) input.push_back(pieces[rng() % 3]);
  for (size_t i = 0; i < input.size(); ++i) {
    if (input[i] == '\r' && i + 1 < input.size() && input[i + 1] == '\n') continue;
    expected.push_back(input[i]);
  }
  std::vector<size_t> splits;
  for (size_t pos = 0; pos < input.size(); pos += 1 + rng() % 9000) splits.push_back(pos);
  DeliveredMessage d = Deliver(md, input, splits, LineEndings::kLf);
  CHECK(ReadBack(dir.path() + "/cur/" + d.file_name) == expected);
  CHECK(ToHex(d.sha256) == HashOf(expected));
}

TEST_CASE("abort and destruction remove the tmp file", "[writer]") {
  TempDir dir;
  Maildir md(DefaultFileSystem(), dir.path(), {.durability = Durability::kNone});
  REQUIRE(md.EnsureFolder("").ok());
  std::string tmp_path;
  {
    Result<MessageWriter> w = md.NewMessage("");
    REQUIRE(w.ok());
    REQUIRE(w->Write("partial").ok());
    tmp_path = w->tmp_path();
    CHECK(DefaultFileSystem()->Stat(tmp_path).ok());
    // Moving the writer must not abort it.
    MessageWriter moved = std::move(*w);
    CHECK(DefaultFileSystem()->Stat(tmp_path).ok());
  }
  CHECK(DefaultFileSystem()->Stat(tmp_path).status().code() == ErrorCode::kNotFound);
  {
    // Move assignment aborts the overwritten writer only.
    Result<MessageWriter> a = md.NewMessage("");
    Result<MessageWriter> b = md.NewMessage("");
    REQUIRE((a.ok() && b.ok()));
    std::string a_path = a->tmp_path(), b_path = b->tmp_path();
    *a = std::move(*b);
    CHECK(!DefaultFileSystem()->Stat(a_path).ok());
    CHECK(a->tmp_path() == b_path);
    REQUIRE(a->Write("moved").ok());
    REQUIRE(a->Commit(3, 0).ok());
  }
  CHECK(DefaultFileSystem()->ListDir(dir.path() + "/cur")->size() == 1);
  Result<std::vector<std::string>> delivered = DefaultFileSystem()->ListDir(dir.path() + "/cur");
  REQUIRE(delivered.ok());
  for (const std::string& name : *delivered) {
    REQUIRE(DefaultFileSystem()->Unlink(dir.path() + "/cur/" + name).ok());
  }
  Result<MessageWriter> w = md.NewMessage("");
  REQUIRE(w.ok());
  REQUIRE(w->Write("x").ok());
  w->Abort();
  w->Abort();
  CHECK(!w->Write("y").ok());
  CHECK(!w->Commit(1, 0).ok());
  CHECK(DefaultFileSystem()->ListDir(dir.path() + "/tmp")->empty());
  CHECK(DefaultFileSystem()->ListDir(dir.path() + "/cur")->empty());
}

TEST_CASE("a folder that was never set up gives a clear error", "[writer]") {
  TempDir dir;
  Maildir md(DefaultFileSystem(), dir.path(), {.durability = Durability::kNone});
  Result<MessageWriter> w = md.NewMessage(".Missing");
  REQUIRE(!w.ok());
  CHECK(w.status().code() == ErrorCode::kNotFound);
  CHECK(w.status().message().find("EnsureFolder") != std::string::npos);
}

}  // namespace
}  // namespace mailhoard::maildir
