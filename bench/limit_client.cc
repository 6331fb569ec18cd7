// mailhoard-bench-limit: the benchmark's "physical limit" client.
//
// One TLS connection (OpenSSL, verified against CA_FILE), LOGIN, LIST, then
// for every selectable folder EXAMINE + UID FETCH 1:* BODY.PEEK[], all
// pipelined in one write, so a slow link costs a few round trips, not one per
// folder. Every literal is streamed from the read buffer straight into its own
// file (no fsync, no index, no flags, nothing parsed beyond framing). Whatever
// a real archiver does on top of moving bytes from the socket to files is
// missing here, so its throughput is the ceiling mailhoard is compared with.
//
// Deliberately standalone (OpenSSL only, no engine code): the limit must not
// inherit mailhoard's own costs. Framing is IMAP-correct for what the limit
// reads: lines end in CRLF, and a line ending in {N} is followed by N raw bytes.
//
// usage: mailhoard-bench-limit HOST PORT CA_FILE USER PASSWORD OUT_DIR
// prints {"messages": N, "bytes": B, "folders": F}
//
// The push benchmark's limit is the other direction:
//   mailhoard-bench-limit --append HOST PORT CA_FILE USER PASSWORD SRC_DIR
// APPENDs every file under SRC_DIR's cur/ directories into one new folder,
// LITERAL+ and 32 commands in flight, no flags, no dates, nothing recorded.
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

[[noreturn]] void Die(const std::string& what) {
  fprintf(stderr, "limit: %s\n", what.c_str());
  ERR_print_errors_fp(stderr);
  exit(1);
}

class Conn {
 public:
  Conn(const char* host, const char* port, const char* ca) {
    addrinfo hints{};
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* ai = nullptr;
    if (getaddrinfo(host, port, &hints, &ai) != 0) Die("cannot resolve host");
    fd_ = socket(ai->ai_family, ai->ai_socktype, 0);
    if (fd_ < 0 || connect(fd_, ai->ai_addr, ai->ai_addrlen) != 0) Die("cannot connect");
    freeaddrinfo(ai);
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    ctx_ = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_min_proto_version(ctx_, TLS1_2_VERSION);
    if (SSL_CTX_load_verify_locations(ctx_, ca, nullptr) != 1) Die("cannot load CA file");
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
    ssl_ = SSL_new(ctx_);
    SSL_set_fd(ssl_, fd_);
    SSL_set_tlsext_host_name(ssl_, host);
    SSL_set1_host(ssl_, host);  // IP SAN match for 127.0.0.1
    if (SSL_connect(ssl_) != 1) Die("TLS handshake failed");
  }
  ~Conn() {
    SSL_free(ssl_);
    SSL_CTX_free(ctx_);
    close(fd_);
  }

  void Write(const std::string& s) {
    size_t done = 0;
    while (done < s.size()) {
      int n = SSL_write(ssl_, s.data() + done, static_cast<int>(s.size() - done));
      if (n <= 0) Die("write failed");
      done += static_cast<size_t>(n);
    }
  }

  // One line without CRLF; a line longer than 1 MB is a framing error here.
  std::string Line() {
    std::string out;
    for (size_t guard = 0; guard < (1u << 20); ++guard) {
      if (pos_ == end_) Fill();
      char* nl = static_cast<char*>(memchr(buf_ + pos_, '\n', end_ - pos_));
      size_t stop = nl ? static_cast<size_t>(nl - buf_) : end_;
      out.append(buf_ + pos_, stop - pos_);
      pos_ = nl ? stop + 1 : stop;
      if (nl) {
        if (!out.empty() && out.back() == '\r') out.pop_back();
        return out;
      }
    }
    Die("line too long");
  }

  // Streams n bytes from the connection into fd.
  void LiteralTo(size_t n, int fd) {
    while (n > 0) {
      if (pos_ == end_) Fill();
      size_t take = std::min(n, end_ - pos_);
      if (write(fd, buf_ + pos_, take) != static_cast<ssize_t>(take)) Die("file write failed");
      pos_ += take;
      n -= take;
    }
  }

 private:
  void Fill() {
    int n = SSL_read(ssl_, buf_, sizeof buf_);
    if (n <= 0) Die("connection closed");
    pos_ = 0;
    end_ = static_cast<size_t>(n);
  }

  int fd_ = -1;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  char buf_[1 << 18];
  size_t pos_ = 0, end_ = 0;
};

// Size of the literal announced at the end of line, or -1.
long LiteralSize(const std::string& line) {
  if (line.size() < 3 || line.back() != '}') return -1;
  size_t open = line.rfind('{');
  if (open == std::string::npos || open + 2 > line.size() - 1) return -1;
  long n = 0;
  for (size_t i = open + 1; i + 1 < line.size(); ++i) {
    if (line[i] < '0' || line[i] > '9' || n > (1L << 40)) return -1;
    n = n * 10 + (line[i] - '0');
  }
  return n;
}

std::string Quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

struct Totals {
  size_t messages = 0, bytes = 0;
};

// Reads responses up to the tagged completion of tag. Literals are written
// to files under dir (nullptr: a literal is an error). Returns untagged lines.
std::vector<std::string> Response(Conn& c, const std::string& tag, const std::string* dir,
                                  Totals* totals) {
  std::vector<std::string> lines;
  for (;;) {
    std::string whole = c.Line();
    for (long n = LiteralSize(whole); n >= 0; n = LiteralSize(whole)) {
      if (!dir) Die("unexpected literal in " + whole.substr(0, 80));
      std::string path = *dir + "/" + std::to_string(totals->messages);
      int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      if (fd < 0) Die("cannot create " + path);
      c.LiteralTo(static_cast<size_t>(n), fd);
      close(fd);
      ++totals->messages;
      totals->bytes += static_cast<size_t>(n);
      whole += " " + c.Line();
    }
    if (whole.compare(0, tag.size() + 1, tag + " ") == 0) {
      if (whole.compare(tag.size() + 1, 2, "OK") != 0) Die("server said: " + whole);
      return lines;
    }
    lines.push_back(std::move(whole));
  }
}

// "* LIST (\HasNoChildren) "/" "name"" -> name, or "" for \Noselect.
std::string ListName(const std::string& line) {
  size_t close = line.find(')');
  if (close == std::string::npos) return "";
  std::string attrs = line.substr(0, close);
  for (auto& ch : attrs) ch = static_cast<char>(tolower(ch));
  if (attrs.find("\\noselect") != std::string::npos) return "";
  size_t p = close + 2;
  if (line.compare(p, 3, "NIL") == 0) {
    p += 4;
  } else {  // quoted one-character delimiter, maybe escaped
    p += line[p + 1] == '\\' ? 5 : 4;
  }
  if (p >= line.size()) return "";
  if (line[p] != '"') return line.substr(p);
  std::string name;
  for (size_t i = p + 1; i < line.size() && line[i] != '"'; ++i) {
    if (line[i] == '\\' && i + 1 < line.size()) ++i;
    name += line[i];
  }
  return name;
}

int Append(int argc, char** argv) {
  if (argc != 8) {
    fprintf(stderr, "usage: mailhoard-bench-limit --append HOST PORT CA USER PASSWORD SRC_DIR\n");
    return 2;
  }
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(argv[7])) {
    if (e.is_regular_file() && e.path().parent_path().filename() == "cur") {
      files.push_back(e.path().string());
    }
  }
  Conn c(argv[2], argv[3], argv[4]);
  Totals totals;
  c.Line();  // greeting
  c.Write("a LOGIN " + Quote(argv[5]) + " " + Quote(argv[6]) + "\r\nb CREATE limit\r\n");
  Response(c, "a", nullptr, &totals);
  Response(c, "b", nullptr, &totals);
  constexpr size_t kWindow = 32;
  std::deque<std::string> in_flight;
  for (size_t i = 0; i < files.size() || !in_flight.empty();) {
    if (i < files.size() && in_flight.size() < kWindow) {
      std::ifstream f(files[i], std::ios::binary);
      std::stringstream body;
      body << f.rdbuf();
      const std::string bytes = body.str();
      const std::string tag = "p" + std::to_string(i);
      c.Write(tag + " APPEND limit {" + std::to_string(bytes.size()) + "+}\r\n" + bytes + "\r\n");
      in_flight.push_back(tag);
      ++totals.messages;
      totals.bytes += bytes.size();
      ++i;
      continue;
    }
    Response(c, in_flight.front(), nullptr, &totals);
    in_flight.pop_front();
  }
  c.Write("z LOGOUT\r\n");
  printf("{\"messages\": %zu, \"bytes\": %zu}\n", totals.messages, totals.bytes);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "--append") return Append(argc, argv);
  if (argc != 7) {
    fprintf(stderr, "usage: mailhoard-bench-limit HOST PORT CA_FILE USER PASSWORD OUT_DIR\n");
    return 2;
  }
  const std::string out_dir = argv[6];
  mkdir(out_dir.c_str(), 0755);
  Conn c(argv[1], argv[2], argv[3]);
  Totals totals;
  c.Line();  // greeting
  c.Write("a LOGIN " + Quote(argv[4]) + " " + Quote(argv[5]) + "\r\n");
  Response(c, "a", nullptr, &totals);
  c.Write("b LIST \"\" \"*\"\r\n");
  std::vector<std::string> folders;
  for (const auto& line : Response(c, "b", nullptr, &totals)) {
    if (line.compare(0, 7, "* LIST ") != 0) continue;
    std::string name = ListName(line);
    if (!name.empty()) folders.push_back(name);
  }
  std::string cmds;
  for (size_t i = 0; i < folders.size(); ++i) {
    cmds += "e" + std::to_string(i) + " EXAMINE " + Quote(folders[i]) + "\r\nf" +
            std::to_string(i) + " UID FETCH 1:* BODY.PEEK[]\r\n";
  }
  c.Write(cmds);
  for (size_t i = 0; i < folders.size(); ++i) {
    std::string dir = out_dir + "/" + std::to_string(i);
    mkdir(dir.c_str(), 0755);
    Response(c, "e" + std::to_string(i), nullptr, &totals);
    Response(c, "f" + std::to_string(i), &dir, &totals);
  }
  c.Write("z LOGOUT\r\n");
  printf("{\"messages\": %zu, \"bytes\": %zu, \"folders\": %zu}\n", totals.messages, totals.bytes,
         folders.size());
  return 0;
}
