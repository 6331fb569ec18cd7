#include "engine/pop3/pop3_client.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace mailhoard::pop3 {
namespace {

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::vector<std::string_view> Words(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    size_t start = i;
    while (i < s.size() && s[i] != ' ') ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

template <typename T>
bool ParseNumber(std::string_view s, T* out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

// RFC 1939 §7: a unique-id is 1 to 70 characters in the range 0x21..0x7E.
bool ValidUidl(std::string_view s) {
  if (s.empty() || s.size() > 70) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x21 && c <= 0x7e; });
}

constexpr size_t kPipelineChunk = 64;  // commands per write when pipelining

}  // namespace

bool Capabilities::HasSasl(std::string_view mechanism) const {
  return std::find(sasl.begin(), sasl.end(), Upper(mechanism)) != sasl.end();
}

Pop3Client::Pop3Client(std::unique_ptr<net::Transport> transport, ClientOptions options)
    : options_(std::move(options)), reader_(std::move(transport)) {}

// No QUIT here: the server commits deletions only on QUIT, so a session that
// ends any other way deletes nothing.
Pop3Client::~Pop3Client() = default;

bool Pop3Client::is_tls() const { return reader_.transport().IsTls(); }

Result<std::unique_ptr<Pop3Client>> Pop3Client::Connect(const ClientOptions& options) {
  MH_ASSIGN_OR_RETURN(std::unique_ptr<net::Transport> transport,
                      net::Connect(options.endpoint, options.connect));
  return Start(std::move(transport), options);
}

Result<std::unique_ptr<Pop3Client>> Pop3Client::Start(std::unique_ptr<net::Transport> transport,
                                                      const ClientOptions& options) {
  std::unique_ptr<Pop3Client> client(new Pop3Client(std::move(transport), options));
  std::string where = client->reader_.transport().Describe();
  Status s = client->Greeting();
  if (s.ok()) s = client->Capa();
  if (s.ok() && options.connect.tls == net::TlsMode::kStartTls) s = client->StartTls();
  if (!s.ok()) return s.WithContext("POP3 " + where);
  return client;
}

Status Pop3Client::Broken(Status status) {
  broken_ = true;
  return status;
}

Status Pop3Client::Send(std::string_view line, std::string_view shown) {
  if (broken_) return NetworkError("POP3 connection is no longer usable");
  if (options_.trace) options_.trace->Line(TraceDirection::kSent, shown.empty() ? line : shown);
  std::string out(line);
  out += "\r\n";
  Status s = reader_.Write(out);
  if (!s.ok()) return Broken(s);
  return Status::Ok();
}

Result<std::string> Pop3Client::ReadLine(size_t max_len) {
  auto line = reader_.ReadLine(max_len);
  if (!line.ok()) return Broken(line.status());
  return std::string(*line);
}

Result<Reply> Pop3Client::ReadReply() {
  auto line = reader_.ReadLine(options_.max_reply_line);
  if (!line.ok()) return Broken(line.status());
  if (options_.trace) options_.trace->Line(TraceDirection::kReceived, *line);
  auto reply = ParseReply(*line);
  if (!reply.ok()) return Broken(reply.status());
  return reply;
}

Status Pop3Client::Simple(std::string_view line, bool during_auth, std::string_view shown,
                          Reply* reply_out) {
  MH_RETURN_IF_ERROR(Send(line, shown));
  MH_ASSIGN_OR_RETURN(Reply reply, ReadReply());
  std::string name(shown.empty() ? line : shown);
  if (!reply.ok) return ReplyError(reply, name, during_auth);
  if (reply_out) *reply_out = std::move(reply);
  return Status::Ok();
}

Status Pop3Client::Greeting() {
  MH_ASSIGN_OR_RETURN(Reply reply, ReadReply());
  if (!reply.ok) return ReplyError(reply, "the connection", false);
  // RFC 1939 §7: the APOP timestamp is a msg-id "<...>" in the greeting.
  size_t open = reply.text.find('<');
  size_t close = open == std::string::npos ? open : reply.text.find('>', open);
  if (close != std::string::npos) {
    std::string ts = reply.text.substr(open, close - open + 1);
    if (ts.find('@') != std::string::npos) apop_timestamp_ = ts;
  }
  return Status::Ok();
}

Status Pop3Client::Capa() {
  caps_ = Capabilities();
  MH_RETURN_IF_ERROR(Send("CAPA", {}));
  MH_ASSIGN_OR_RETURN(Reply reply, ReadReply());
  if (!reply.ok) return Status::Ok();  // an RFC 1939-only server: no extensions
  caps_.known = true;
  return ReadListing([this](std::string_view line) {
    std::vector<std::string_view> words = Words(line);
    if (words.empty()) return Status::Ok();
    std::string name = Upper(words[0]);
    if (name == "TOP") caps_.top = true;
    if (name == "UIDL") caps_.uidl = true;
    if (name == "USER") caps_.user = true;
    if (name == "PIPELINING") caps_.pipelining = true;
    if (name == "STLS") caps_.stls = true;
    if (name == "RESP-CODES") caps_.resp_codes = true;
    if (name == "SASL") {
      for (size_t i = 1; i < words.size(); ++i) caps_.sasl.push_back(Upper(words[i]));
    }
    return Status::Ok();
  });
}

Status Pop3Client::StartTls() {
  // RFC 2595 §4: STLS only if offered. A server that answers CAPA without
  // STLS is refused here: the connection never carries a password unencrypted.
  if (caps_.known && !caps_.stls) {
    return Status::Error(ErrorCode::kUnsupported,
                         "server does not offer STLS, and plaintext is not an option");
  }
  MH_ASSIGN_OR_RETURN(Reply reply, [&]() -> Result<Reply> {
    MH_RETURN_IF_ERROR(Send("STLS", {}));
    return ReadReply();
  }());
  if (!reply.ok) {
    return Status::Error(ErrorCode::kUnsupported, "server refused STLS: " + reply.text);
  }
  net::TlsOptions tls = options_.connect.tls_options;
  if (tls.server_name.empty()) tls.server_name = options_.endpoint.host;
  Status s = reader_.StartTls(tls);
  if (!s.ok()) return Broken(s);
  // RFC 2595 §4: capabilities learnt before TLS must be forgotten.
  return Capa();
}

Status Pop3Client::ReadListing(const std::function<Status(std::string_view)>& on_line) {
  Status first_error;
  for (;;) {
    auto line = reader_.ReadLine(options_.max_reply_line);
    if (!line.ok()) return Broken(line.status());
    std::string_view l = *line;
    if (l == ".") break;
    if (!l.empty() && l.front() == '.') l.remove_prefix(1);  // dot-stuffed
    // Keep reading to the terminator after a bad line, so the session stays
    // in step; report the first error.
    if (first_error.ok()) first_error = on_line(l);
  }
  return first_error;
}

Status Pop3Client::ReadBody(const BodySink& sink, std::string_view command) {
  uint64_t bytes = 0;
  Status sink_error;
  for (;;) {
    auto line = reader_.ReadLine(options_.max_message_line);
    if (!line.ok()) {
      Status s = line.status();
      if (s.code() == ErrorCode::kProtocol) {
        s = ProtocolError("POP3 " + std::string(command) + ": " + s.message());
      }
      return Broken(s.WithContext("after " + std::to_string(bytes) + " bytes of the message"));
    }
    std::string_view l = *line;
    if (l == ".") break;
    // RFC 1939 §3: a line starting with "." was stuffed with one more ".".
    if (!l.empty() && l.front() == '.') l.remove_prefix(1);
    bytes += l.size() + 2;
    if (!sink_error.ok()) continue;  // drain to the terminator
    // Never an empty write: an empty line is only its CRLF.
    if (!l.empty()) sink_error = sink(l.data(), l.size());
    if (sink_error.ok()) sink_error = sink("\r\n", 2);
  }
  if (options_.trace) {
    options_.trace->Line(TraceDirection::kReceived, "{" + std::to_string(bytes) + " bytes}");
  }
  return sink_error;
}

Result<MaildropStat> Pop3Client::Stat() {
  Reply reply;
  MH_RETURN_IF_ERROR(Simple("STAT", false, {}, &reply));
  std::vector<std::string_view> w = Words(reply.text);
  MaildropStat stat;
  if (w.size() < 2 || !ParseNumber(w[0], &stat.messages) || !ParseNumber(w[1], &stat.bytes)) {
    return Broken(ProtocolError("POP3 STAT reply is not \"count size\""));
  }
  return stat;
}

Result<std::vector<ListEntry>> Pop3Client::List() {
  MH_RETURN_IF_ERROR(Simple("LIST"));
  std::vector<ListEntry> out;
  Status s = ReadListing([&](std::string_view line) {
    std::vector<std::string_view> w = Words(line);
    ListEntry e;
    if (w.size() < 2 || !ParseNumber(w[0], &e.number) || !ParseNumber(w[1], &e.size) ||
        e.number == 0) {
      return ProtocolError("POP3 LIST line is not \"number size\"");
    }
    out.push_back(e);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Result<std::vector<UidlEntry>> Pop3Client::Uidl() {
  MH_RETURN_IF_ERROR(Send("UIDL", {}));
  MH_ASSIGN_OR_RETURN(Reply reply, ReadReply());
  if (!reply.ok) {
    Status e = ReplyError(reply, "UIDL", false);
    if (e.transient() || caps_.uidl) return e;
    return Status::Error(ErrorCode::kUnsupported, "POP3 server does not support UIDL");
  }
  std::vector<UidlEntry> out;
  Status s = ReadListing([&](std::string_view line) {
    std::vector<std::string_view> w = Words(line);
    UidlEntry e;
    if (w.size() < 2 || !ParseNumber(w[0], &e.number) || e.number == 0 || !ValidUidl(w[1])) {
      return ProtocolError("POP3 UIDL line is not \"number unique-id\"");
    }
    e.uidl = std::string(w[1]);
    out.push_back(std::move(e));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Status Pop3Client::Retr(uint32_t number, const BodySink& sink) {
  std::string cmd = "RETR " + std::to_string(number);
  MH_RETURN_IF_ERROR(Simple(cmd));
  return ReadBody(sink, cmd);
}

Status Pop3Client::RetrMany(const std::vector<uint32_t>& numbers,
                            const std::function<Result<BodySink>(uint32_t)>& begin,
                            const std::function<Status(uint32_t, Status)>& end, size_t window) {
  size_t depth = caps_.pipelining ? std::max<size_t>(1, window) : 1;
  size_t sent = 0;
  Status stop;
  const BodySink discard = [](const char*, size_t) { return Status::Ok(); };
  for (size_t i = 0; i < numbers.size(); ++i) {
    // Keep the pipe full, unless we are only draining after a stop.
    std::string batch;
    while (stop.ok() && sent < numbers.size() && sent < i + depth) {
      std::string cmd = "RETR " + std::to_string(numbers[sent++]);
      if (options_.trace) options_.trace->Line(TraceDirection::kSent, cmd);
      batch += cmd + "\r\n";
    }
    if (!batch.empty()) {
      if (broken_) return NetworkError("POP3 connection is no longer usable");
      Status w = reader_.Write(batch);
      if (!w.ok()) return Broken(w);
    }
    if (i >= sent) break;  // stopped: nothing more in flight
    std::string cmd = "RETR " + std::to_string(numbers[i]);
    MH_ASSIGN_OR_RETURN(Reply reply, ReadReply());
    if (!stop.ok()) {
      if (reply.ok) MH_RETURN_IF_ERROR(ReadBody(discard, cmd));
      continue;
    }
    Status outcome;
    if (!reply.ok) {
      outcome = ReplyError(reply, cmd, false);
    } else {
      auto sink = begin(numbers[i]);
      if (sink.ok()) {
        outcome = ReadBody(*sink, cmd);
      } else {
        MH_RETURN_IF_ERROR(ReadBody(discard, cmd));
        outcome = sink.status();
      }
      if (broken_) {
        (void)end(numbers[i], outcome);
        return outcome;
      }
    }
    stop = end(numbers[i], outcome);
  }
  return stop;
}

Status Pop3Client::Top(uint32_t number, uint32_t lines, const BodySink& sink) {
  std::string cmd = "TOP " + std::to_string(number) + " " + std::to_string(lines);
  MH_RETURN_IF_ERROR(Simple(cmd));
  return ReadBody(sink, cmd);
}

Status Pop3Client::Dele(const std::vector<uint32_t>& numbers) {
  size_t chunk = caps_.pipelining ? kPipelineChunk : 1;
  Status first_error;
  for (size_t i = 0; i < numbers.size(); i += chunk) {
    size_t end = std::min(numbers.size(), i + chunk);
    // RFC 2449 §6.6: with PIPELINING the commands may go out in one write.
    std::string batch;
    for (size_t j = i; j < end; ++j) {
      std::string cmd = "DELE " + std::to_string(numbers[j]);
      if (options_.trace) options_.trace->Line(TraceDirection::kSent, cmd);
      batch += cmd + "\r\n";
    }
    if (broken_) return NetworkError("POP3 connection is no longer usable");
    Status w = reader_.Write(batch);
    if (!w.ok()) return Broken(w);
    for (size_t j = i; j < end; ++j) {
      MH_ASSIGN_OR_RETURN(Reply reply, ReadReply());
      if (!reply.ok && first_error.ok()) {
        first_error = ReplyError(reply, "DELE " + std::to_string(numbers[j]), false);
      }
    }
  }
  return first_error;
}

Status Pop3Client::Rset() { return Simple("RSET"); }

Status Pop3Client::Noop() { return Simple("NOOP"); }

Status Pop3Client::Quit() {
  if (quit_) return Status::Ok();
  Status s = Simple("QUIT");
  // RFC 1939 §6: -ERR to QUIT means some deletions may not have happened.
  quit_ = true;
  reader_.transport().Close();
  broken_ = true;  // nothing more can be sent
  return s;
}

void Pop3Client::Abort() {
  reader_.transport().Close();
  broken_ = true;
}

}  // namespace mailhoard::pop3
