#!/usr/bin/env python3
"""mailhoard vs mbsync vs the physical limit, on one local Dovecot (see README.md).

Invoked by bench/run BUILD_DIR [options]. Python 3 standard library only.
"""
import argparse
import datetime
import hashlib
import json
import os
import platform
import random
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CLK_TCK = os.sysconf("SC_CLK_TCK")
RUN_TIMEOUT = 3 * 3600  # seconds; one tool run never takes longer than this


def log(msg):
    print("[bench %s] %s" % (time.strftime("%H:%M:%S"), msg), file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# Server: mailhoard-testserver, its Dovecot master's CPU, the slow-link proxy


class Server:
    def __init__(self, build, work, args):
        self.ready = os.path.join(work, "server.env")
        cmd = [os.path.join(build, "tests", "support", "mailhoard-testserver"),
               "--ready-file", self.ready, "--messages", str(args.messages),
               "--seed", str(args.seed), "--median-size", str(args.median_size),
               "--big-fraction", str(args.big_fraction)] + getattr(args, "server_extra", [])
        log("starting %s" % " ".join(cmd))
        self.log = open(os.path.join(work, "server.log"), "wb")
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + max(600, args.messages / 10)
        while not os.path.exists(self.ready):
            if self.proc.poll() is not None:
                raise SystemExit("mailhoard-testserver exited (%s); see %s/server.log"
                                 % (self.proc.returncode, work))
            if time.time() > deadline:
                raise SystemExit("mailhoard-testserver not ready in time")
            time.sleep(0.5)
        self.env = {}
        with open(self.ready) as f:
            for line in f:
                key, _, value = line.rstrip("\n").partition("=")
                self.env[key] = shlex.split(value)[0] if value else ""
        base_dir = subprocess.check_output(
            ["doveconf", "-c", self.env["MH_DOVECOT_CONF"], "-h", "base_dir"], text=True).strip()
        with open(os.path.join(base_dir, "master.pid")) as f:
            self.master = int(f.read().strip())
        self.conf = self.env["MH_DOVECOT_CONF"]
        self.user = self.env["MH_USER"]
        self.maildir = self.env["MH_MAILDIR"]

    def cpu_seconds(self):
        """Dovecot's CPU so far: the master's own and reaped children's time
        (utime+stime+cutime+cstime; Dovecot forks every service from the master)
        plus the utime+stime(+cutime+cstime) of its live children."""
        def fields(pid):
            with open("/proc/%d/stat" % pid) as f:
                s = f.read()
            rest = s[s.rindex(")") + 2:].split()
            return int(rest[1]), sum(int(x) for x in rest[11:15])  # ppid, ticks
        total = fields(self.master)[1]
        for name in os.listdir("/proc"):
            if not name.isdigit():
                continue
            try:
                ppid, ticks = fields(int(name))
            except (OSError, ValueError, IndexError):
                continue
            if ppid == self.master:
                total += ticks
        return total / CLK_TCK

    def doveadm(self, *args, stdin=None):
        return subprocess.run(["doveadm", "-c", self.conf] + list(args), input=stdin,
                              check=True, capture_output=True, timeout=600).stdout

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Proxy:
    def __init__(self, build, port, delay_ms):
        self.proc = subprocess.Popen(
            [os.path.join(build, "tests", "support", "mailhoard-tcp-proxy"), str(port),
             str(delay_ms)], stdout=subprocess.PIPE, text=True)
        self.port = int(self.proc.stdout.readline().strip())

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


# --------------------------------------------------------------------------
# Timed runs


def timed(cmd, server, env=None, cwd=None, log_path=None):
    """Runs cmd under /usr/bin/time. Wall time is measured here; client CPU
    (user+sys) and peak RSS come from GNU time's wait4() rusage. The tool is
    not forked from this Python process on purpose: Linux carries a process's
    RSS high-water mark across exec, so a child forked from a 30 MB Python
    would report at least 30 MB. (/usr/bin/time's own ~2 MB is the floor.)
    Server CPU is the Dovecot delta over the run."""
    out = open(log_path, "ab") if log_path else subprocess.DEVNULL
    if log_path:
        out.write(("\n$ %s\n" % " ".join(shlex.quote(c) for c in cmd)).encode())
        out.flush()
    fd, rusage_file = tempfile.mkstemp(prefix="mh-bench-time.")
    os.close(fd)
    s0 = server.cpu_seconds()
    t0 = time.monotonic()
    proc = subprocess.Popen(["/usr/bin/time", "-o", rusage_file, "-f", "%U %S %M"] + cmd,
                            env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
    try:
        rc = proc.wait(RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        rc = proc.wait()
    wall = time.monotonic() - t0
    time.sleep(0.05)  # let Dovecot reap the imap processes of the run
    s1 = server.cpu_seconds()
    if log_path:
        out.close()
    try:
        with open(rusage_file) as f:
            last = f.read().strip().splitlines()[-1].split()
        user, sys_, rss_kb = float(last[0]), float(last[1]), int(last[2])
    except (IndexError, ValueError):  # killed before /usr/bin/time could report
        user, sys_, rss_kb = float("nan"), float("nan"), 0
        rc = rc or -1
    os.unlink(rusage_file)
    return {"wall": wall, "cpu": user + sys_, "user": user, "sys": sys_,
            "rss_mb": rss_kb / 1024.0, "server_cpu": s1 - s0, "rc": rc}


class Mailhoard:
    name = "mailhoard"

    def __init__(self, build, work, server, port, extra_keys=""):
        """extra_keys: more lines for the account section (the POP3 part adds
        protocol and policy)."""
        self.bin = os.path.join(build, "cli", "mailhoard")
        self.dir = os.path.join(work, "mailhoard")
        self.archive = os.path.join(self.dir, "archive")
        os.makedirs(self.archive, exist_ok=True)
        self.conf = os.path.join(self.dir, "config.toml")
        with open(self.conf, "w") as f:
            f.write('# written by bench/bench.py\narchive = "%s"\n\n[accounts.bench]\n'
                    'host = "127.0.0.1"\nport = %d\ntls = "implicit"\ntls_ca_file = "%s"\n'
                    'user = "%s"\npassword_env = "MH_BENCH_PASSWORD"\n%s'
                    % (self.archive, port, server.env["MH_CA_FILE"], server.user, extra_keys))
        os.chmod(self.conf, 0o600)
        self.env = dict(os.environ, MH_BENCH_PASSWORD=server.env["MH_PASSWORD"])
        self.log = os.path.join(self.dir, "runs.log")
        self.root = self.archive  # the account's directory (archive/bench) is below it

    def cmd(self):
        return [self.bin, "-c", self.conf, "sync"]

    def available(self):
        """False while `sync` is not wired in the CLI. Probed against a closed
        port so that the probe cannot touch the benchmark's server."""
        probe = self.conf + ".probe"
        with open(self.conf) as f, open(probe, "w") as g:
            g.write(f.read().replace("port = ", "port = 1 # ", 1))
        try:
            p = subprocess.run([self.bin, "-c", probe, "sync"], capture_output=True, text=True,
                               env=self.env, timeout=30)
            text = p.stdout + p.stderr
        except subprocess.TimeoutExpired:
            text = ""
        return "not available in this build" not in text


class Mbsync:
    name = "mbsync"

    def __init__(self, work, server, port):
        # mbsync 1.4 matches the certificate against DNS names only (not IP
        # SANs); the test certificate names "localhost", which must be loopback.
        if socket.gethostbyname("localhost") != "127.0.0.1":
            raise SystemExit("bench: localhost must resolve to 127.0.0.1 for mbsync")
        self.dir = os.path.join(work, "mbsync")
        self.root = os.path.join(self.dir, "mail")
        os.makedirs(self.root, exist_ok=True)
        self.conf = os.path.join(self.dir, "mbsyncrc")
        pw = server.env["MH_PASSWORD"].replace("\\", "\\\\").replace('"', '\\"')
        with open(self.conf, "w") as f:
            f.write(f"""# written by bench/bench.py: closest to mailhoard's default archive policy
IMAPAccount bench
Host localhost
Port {port}
User {server.user}
Pass "{pw}"
SSLType IMAPS
CertificateFile {server.env["MH_CA_FILE"]}

IMAPStore far
Account bench

MaildirStore near
Path {self.root}/
Inbox {self.root}/INBOX
SubFolders Verbatim

Channel bench
Far :far:
Near :near:
Patterns *
Sync Pull
Create Near
Remove None
Expunge None
CopyArrivalDate yes
SyncState *
""")
        os.chmod(self.conf, 0o600)
        self.env = dict(os.environ)
        self.log = os.path.join(self.dir, "runs.log")

    def cmd(self):
        return ["mbsync", "-c", self.conf, "-a", "-q"]


def run_limit(build, work, server, port, tag):
    out_dir = os.path.join(work, "limit-" + tag)
    shutil.rmtree(out_dir, ignore_errors=True)
    stats_file = os.path.join(work, "limit-%s.json" % tag)
    cmd = ["sh", "-c", 'exec "$@" > %s' % shlex.quote(stats_file), "limit",
           os.path.join(build, "bench", "mailhoard-bench-limit"), "127.0.0.1", str(port),
           server.env["MH_CA_FILE"], server.user, server.env["MH_PASSWORD"], out_dir]
    r = timed(cmd, server, log_path=os.path.join(work, "limit.log"))
    if r["rc"] == 0:
        with open(stats_file) as f:
            r.update(json.load(f))
    shutil.rmtree(out_dir, ignore_errors=True)
    return r


# --------------------------------------------------------------------------
# Server mutations (doveadm, batched with UID sets)


def uid_set(uids):
    uids = sorted(uids)
    parts, i = [], 0
    while i < len(uids):
        j = i
        while j + 1 < len(uids) and uids[j + 1] == uids[j] + 1:
            j += 1
        parts.append(str(uids[i]) if i == j else "%d:%d" % (uids[i], uids[j]))
        i = j + 1
    return ",".join(parts)


def folders(server):
    out = server.doveadm("mailbox", "list", "-u", server.user).decode()
    return [l for l in out.splitlines() if l]


def messages(server, folder):
    out = server.doveadm("-f", "tab", "fetch", "-u", server.user, "uid flags", "mailbox",
                         folder, "all").decode()
    rows = []
    for line in out.splitlines()[1:]:
        uid, _, flags = line.partition("\t")
        if uid.isdigit():
            rows.append((folder, int(uid), flags.split()))
    return rows


def all_messages(server):
    rows = []
    for f in folders(server):
        rows += messages(server, f)
    return rows


def new_message(rng, n):
    words = ("archive", "invoice", "meeting", "report", "release", "holiday", "contract",
             "incremental", "benchmark", "folder", "письмо", "Grüße")
    size = int(rng.lognormvariate(8.9, 0.8))
    body, line = [], []
    total = 0
    while total < size:
        w = rng.choice(words)
        line.append(w)
        total += len(w.encode()) + 1
        if len(line) >= 12:
            body.append(" ".join(line))
            line = []
    body.append(" ".join(line))
    date = email_date(time.time() - rng.randint(0, 86400))
    return ("From: Bench Sender <sender%d@example.org>\nTo: archive@example.org\n"
            "Subject: bench new message %d\nDate: %s\nMessage-ID: <bench-new-%d-%d@example.org>\n"
            "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
            "Content-Transfer-Encoding: 8bit\n\n%s\n"
            % (n % 7, n, date, n, rng.randint(0, 1 << 40), "\n".join(body))).encode()


def email_date(t):
    return time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(t))


def mutate_new(server, rng, count=100, picked=None):
    """Saves count new messages round-robin into picked (default: INBOX, a
    nested folder and a non-ASCII one)."""
    if picked is None:
        fs = folders(server)
        picked = ["INBOX"]
        picked += [f for f in fs if "/" in f][:1]
        picked += [f for f in fs if not f.isascii() and f not in picked][:1]
        picked += [f for f in fs if f not in picked]
        picked = picked[:3]
    for i in range(count):
        server.doveadm("save", "-u", server.user, "-m", picked[i % len(picked)],
                       stdin=new_message(rng, rng.randint(0, 1 << 30)))
    return "%d new messages in %s (doveadm save, one per message)" % (count, ", ".join(picked))


def mutate_flags(server, rng, count=1000):
    rows = all_messages(server)
    chosen = rng.sample(rows, min(count, len(rows)))
    ops = {}
    for i, (folder, uid, flags) in enumerate(chosen):
        flag = "\\Seen" if i % 2 == 0 else "\\Flagged"
        op = "remove" if flag in flags else "add"
        ops.setdefault((folder, op, flag), []).append(uid)
    for (folder, op, flag), uids in ops.items():
        server.doveadm("flags", op, "-u", server.user, flag, "mailbox", folder, "uid",
                       uid_set(uids))
    return "%d flag changes (\\Seen or \\Flagged toggled), %d doveadm calls" % (
        len(chosen), len(ops))


def mutate_expunge(server, rng, count=500):
    rows = all_messages(server)
    chosen = rng.sample(rows, min(count, len(rows)))
    by_folder = {}
    for folder, uid, _ in chosen:
        by_folder.setdefault(folder, []).append(uid)
    for folder, uids in by_folder.items():
        server.doveadm("expunge", "-u", server.user, "mailbox", folder, "uid", uid_set(uids))
    return "%d expunges, %d doveadm calls" % (len(chosen), len(by_folder)), len(chosen)


# --------------------------------------------------------------------------
# Correctness: the local tree against the server's Maildir, file by file

SYSTEM_FLAGS = set("DFRST")


def maildirs(root):
    for dirpath, dirnames, _ in os.walk(root):
        if "cur" in dirnames and "new" in dirnames:
            yield dirpath
        dirnames[:] = [d for d in dirnames if d not in ("cur", "new", "tmp")]


def info_flags(name):
    _, sep, info = name.partition(":2,")
    return "".join(sorted(set(info) & SYSTEM_FLAGS)) if sep else ""


def normalize(data):
    """LF line endings, no X-TUID header (mbsync adds one)."""
    data = data.replace(b"\r\n", b"\n")
    end = data.find(b"\n\n")
    head = data[:end if end >= 0 else len(data)]
    if b"X-TUID:" in head:
        lines = [l for l in head.split(b"\n") if not l.startswith(b"X-TUID:")]
        data = b"\n".join(lines) + data[len(head):]
    return data


class Checker:
    def __init__(self, normalize=normalize):
        """normalize(bytes) -> bytes: the content compared for tools that do
        not store the server's bytes as they are."""
        self.normalize = normalize
        self.server_cache = {}  # (base name, size) -> (crlf hash, normalized hash)
        self.local_cache = {}   # (dev, ino, size, mtime_ns) -> (raw hash, normalized hash)

    def _files(self, root, recursive=True):
        for d in (maildirs(root) if recursive else [root]):
            for sub in ("cur", "new"):
                p = os.path.join(d, sub)
                for name in os.listdir(p):
                    yield d, name, os.path.join(p, name)

    def server_state(self, maildir, recursive=True):
        out = []
        for d, name, path in self._files(maildir, recursive):
            st = os.stat(path)
            key = (name.partition(":")[0], st.st_size)
            h = self.server_cache.get(key)
            if h is None:
                with open(path, "rb") as f:
                    data = f.read()
                crlf = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
                h = (hashlib.sha1(crlf).digest(), hashlib.sha1(self.normalize(data)).digest())
                self.server_cache[key] = h
            out.append((d, info_flags(name), int(st.st_mtime), h))
        return out

    def check(self, server_maildir, local_root, expected_extra, server_recursive=True):
        """server_recursive=False: only the server Maildir's own cur/ and new/
        (its INBOX in Maildir++), not the folders below it."""
        srv = self.server_state(server_maildir, server_recursive)
        local = {}  # normalized hash -> [(dir, flags, mtime, raw hash)]
        n_local = 0
        for d, name, path in self._files(local_root):
            st = os.stat(path)
            key = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
            h = self.local_cache.get(key)
            if h is None:
                with open(path, "rb") as f:
                    data = f.read()
                h = (hashlib.sha1(data).digest(), hashlib.sha1(self.normalize(data)).digest())
                self.local_cache[key] = h
            local.setdefault(h[1], []).append((d, info_flags(name), int(st.st_mtime), h[0]))
            n_local += 1
        # Folder mapping by content: the local directory holding most of a
        # server folder's messages is that folder's copy.
        votes = {}
        for d, _, _, h in srv:
            for ld, _, _, _ in local.get(h[1], ()):
                votes.setdefault(d, {}).setdefault(ld, 0)
                votes[d][ld] += 1
        mapping = {d: max(v, key=v.get) for d, v in votes.items()}
        r = {"server": len(srv), "local": n_local, "present": 0, "missing": 0, "duplicated": 0,
             "bytes_ok": 0, "flags_ok": 0, "mtime_ok": 0,
             "server_folders": len(list(maildirs(server_maildir))) if server_recursive else 1,
             "local_folders": len(list(maildirs(local_root)))}
        for d, flags, mtime, h in srv:
            hits = [x for x in local.get(h[1], ()) if x[0] == mapping.get(d)]
            if not hits:
                r["missing"] += 1
                continue
            r["present"] += 1
            if len(hits) > 1:
                r["duplicated"] += 1
            ld, lflags, lmtime, raw = hits[0]
            r["bytes_ok"] += raw == h[0]
            r["flags_ok"] += lflags == flags
            r["mtime_ok"] += lmtime == mtime
        r["extra"] = n_local - r["present"] - r["duplicated"]
        r["expected_extra"] = expected_extra
        return r


def presence_problems(c, exact_bytes):
    """What every protocol's check reports: missing, duplicated, bytes."""
    bad = []
    if c["missing"]:
        bad.append("%d missing" % c["missing"])
    if c["duplicated"]:
        bad.append("%d duplicated" % c["duplicated"])
    if exact_bytes and c["bytes_ok"] != c["present"]:
        bad.append("%d not byte-identical" % (c["present"] - c["bytes_ok"]))
    return bad


def check_summary(c, exact_bytes):
    if c is None:
        return "—"
    n = c["server"]
    bad = presence_problems(c, exact_bytes)
    if c["flags_ok"] != c["present"]:
        bad.append("%d flags wrong" % (c["present"] - c["flags_ok"]))
    if c["mtime_ok"] != c["present"]:
        bad.append("%d mtime≠INTERNALDATE" % (c["present"] - c["mtime_ok"]))
    if c["extra"] != c["expected_extra"]:
        bad.append("%d extra (expected %d)" % (c["extra"], c["expected_extra"]))
    if c["local_folders"] < c["server_folders"]:
        bad.append("%d/%d folders" % (c["local_folders"], c["server_folders"]))
    return ("ok %d/%d" % (c["present"], n)) if not bad else "FAIL: " + ", ".join(bad)


def check_ok(c, exact_bytes):
    return c is not None and check_summary(c, exact_bytes).startswith("ok")


# --------------------------------------------------------------------------
# One link: every scenario for both tools, alternating order


def run_link(link, port, args, build, work, server, checker, mh_ok, rng, results):
    lw = os.path.join(work, link)
    os.makedirs(lw, exist_ok=True)
    mh = Mailhoard(build, lw, server, port)
    mb = Mbsync(lw, server, port)
    tools = [mh, mb] if mh_ok else [mb]
    expunged = 0

    log("%s: limit client" % link)
    limit = run_limit(build, lw, server, port, link)
    results.append({"link": link, "scenario": "limit", "limit": limit})
    log("%s: limit %.1f s, %s bytes" % (link, limit["wall"], limit.get("bytes")))

    def scenario(name, note, runs=1):
        nonlocal order
        entry = {"link": link, "scenario": name, "note": note, "runs": {}}
        for i in range(runs):
            seq = tools if order % 2 == 0 else list(reversed(tools))
            order += 1
            for t in seq:
                r = timed(t.cmd(), server, env=t.env, log_path=t.log)
                entry["runs"].setdefault(t.name, []).append(r)
                log("%s %-11s %-9s %6.2f s wall, %6.2f s CPU, %5.1f MB, server %5.2f s, rc %d"
                    % (link, name, t.name, r["wall"], r["cpu"], r["rss_mb"],
                       r["server_cpu"], r["rc"]))
        for t in tools:
            entry.setdefault("check", {})[t.name] = checker.check(server.maildir, t.root,
                                                                 expunged)
            log("%s %-11s %-9s check: %s" % (link, name, t.name, check_summary(
                entry["check"][t.name], t.name == "mailhoard")))
        results.append(entry)

    order = 0 if link == "loopback" else 1
    scenario("initial", "full sync into an empty archive")
    scenario("no-op", "nothing changed; median of %d runs" % args.noop_runs, runs=args.noop_runs)
    scenario("+100 new", mutate_new(server, rng))
    scenario("1000 flags", mutate_flags(server, rng))
    note, n = mutate_expunge(server, rng)
    expunged += n
    scenario("500 expunges", note)


# --------------------------------------------------------------------------
# Report


def med(runs, key):
    return statistics.median(r[key] for r in runs)


def fmt_ratio(a, b):
    return "%.2f" % (a / b) if b else "—"


def verdict(entry, limit, mh_ok):
    if not mh_ok:
        return "n/a (mailhoard sync not in this build)"
    runs = entry["runs"]
    mh, mb = runs["mailhoard"], runs["mbsync"]
    w_mh, w_mb = med(mh, "wall"), med(mb, "wall")
    c_mh, c_mb = med(mh, "cpu"), med(mb, "cpu")
    rss = max(r["rss_mb"] for r in mh)
    miss = []
    if any(r["rc"] != 0 for r in mh):
        miss.append("mailhoard exit status %d" % next(r["rc"] for r in mh if r["rc"] != 0))
    s, link = entry["scenario"], entry["link"]
    if s == "initial":
        if w_mh > w_mb / 3:
            miss.append("wall %.2f× mbsync (target ≤ 0.33×)" % (w_mh / w_mb))
        if c_mh > c_mb / 3:
            miss.append("CPU %.2f× mbsync (target ≤ 0.33×)" % (c_mh / c_mb))
        if limit and limit.get("rc") == 0:
            frac = limit["wall"] / w_mh
            if frac < 0.6:
                miss.append("%.0f%% of limit throughput (target ≥ 60%%)" % (100 * frac))
    elif s == "no-op" and link != "loopback":
        if w_mh > w_mb / 10:
            miss.append("only %.1f× faster than mbsync (target ≥ 10×)" % (w_mb / w_mh))
    elif w_mh >= w_mb:
        miss.append("wall %.2f× mbsync (target < 1×)" % (w_mh / w_mb))
    if rss > 20:
        miss.append("peak RSS %.1f MB (target ≤ 20 MB, %.1f MB over)" % (rss, rss - 20))
    if not check_ok(entry["check"]["mailhoard"], True):
        miss.append("correctness")
    return "**met**" if not miss else "MISSED: " + "; ".join(miss)


def machine_info(args, build):
    def sh(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=30,
                                  shell=isinstance(cmd, str)).stdout.strip()
        except Exception as e:  # report, never fail the run over a version string
            return "unknown (%s)" % e
    model = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kb = int(f.readline().split()[1])
    rev = sh(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"])
    if sh(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no", "--",
            "engine", "storage", "cli"]):
        rev += " (with uncommitted changes)"
    return {
        "host": platform.node(), "nproc": os.cpu_count(), "memory_gb": mem_kb / 1048576,
        "cpu": model, "kernel": platform.release(), "git": rev,
        "mbsync": sh("mbsync -v 2>&1"), "dovecot": sh(["dovecot", "--version"]),
        "mpop": sh("mpop --version | sed -n '1s/ version//p'"),
        "fetchmail": sh("fetchmail --version 2>/dev/null"
                        " | sed -n 's/^This is fetchmail release \\([^+]*\\).*/fetchmail \\1/p'"),
        "python": platform.python_version(),
    }


def write_report(args, info, results, load_before, load_after, server, mh_ok, started,
                 pop3_results=()):
    L = []
    date = started.strftime("%Y-%m-%d")
    L.append("# mailhoard benchmark — %s UTC, %s\n" % (started.strftime("%Y-%m-%d %H:%M"),
                                                       info["host"]))
    L.append("- machine: %d CPUs (%s), %.1f GB RAM, Linux %s" % (
        info["nproc"], info["cpu"], info["memory_gb"], info["kernel"]))
    L.append("- load average (1/5/15 min): before %.2f %.2f %.2f, after %.2f %.2f %.2f "
             "(other jobs share this machine: figures are noisier the higher it is)"
             % (load_before + load_after))
    L.append("- versions: mailhoard git %s; %s; %s; %s; Dovecot %s; Python %s" % (
        info["git"], info["mbsync"], info["mpop"], info["fetchmail"], info["dovecot"],
        info["python"]))
    L.append("- corpus: %s messages, %.1f MB (server Maildir, LF), seed %d, median size %d B, "
             "big fraction %.3f; %d folders" % (
                 server.env["MH_MESSAGES"], int(server.env["MH_BYTES"]) / 1e6, args.seed,
                 args.median_size, args.big_fraction,
                 len([d for d in maildirs(server.maildir)
                      if os.path.basename(d) != ".pop3-seed"])))
    L.append("- links: loopback (127.0.0.1, IMAPS / POP3S); slow = mailhoard-tcp-proxy adding "
             "%d ms each way (RTT +%d ms), every tool through it"
             % (args.delay_ms, 2 * args.delay_ms))
    L.append("- command: `bench/run BUILD_DIR %s`\n" % " ".join(args.argv))
    if not mh_ok:
        L.append("**mailhoard `sync` is not available in this build: its columns are empty; "
                 "mbsync and the limit were measured.**\n")

    os.makedirs(args.results_dir, exist_ok=True)
    suffix = "-quick" if args.quick else ""
    path = os.path.join(args.results_dir, "%s-%s%s.md" % (date, info["host"], suffix))
    # The raw figures first: a bug in the tables must not cost a 40-minute run.
    with open(path[:-3] + ".json", "w") as f:
        json.dump({"info": info, "results": results, "pop3": list(pop3_results)}, f, indent=1,
                  default=str)
    if results:
        imap_report(L, args, results, mh_ok)
    if pop3_results:
        import pop3_bench  # noqa: E402  (same directory)
        L += pop3_bench.report_lines(args, pop3_results, mh_ok)
    text = "\n".join(L) + "\n"
    with open(path, "w") as f:
        f.write(text)
    return path, text


def imap_report(L, args, results, mh_ok):
    """The IMAP tables and notes (mailhoard vs mbsync vs the limit)."""
    L.append("## Side by side\n")
    L.append("Wall and CPU in seconds (no-op: median of %d runs). CPU = client user+sys; "
             "server = Dovecot CPU during the run; RSS = client peak. Ratio = mailhoard / mbsync."
             "\n" % args.noop_runs)
    L.append("| link | scenario | wall mh | wall mbsync | ratio | CPU mh | CPU mbsync | ratio "
             "| server CPU mh / mbsync | RSS MB mh / mbsync | correct mh | correct mbsync "
             "| verdict |")
    L.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|")
    limits = {e["link"]: e["limit"] for e in results if e["scenario"] == "limit"}
    for e in results:
        if e["scenario"] == "limit":
            continue
        runs = e["runs"]
        mb = runs["mbsync"]
        mh = runs.get("mailhoard")
        g = lambda rs, k: ("%.2f" % med(rs, k)) if rs else "—"
        L.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s / %s | %s / %s | %s | %s | %s |" % (
            e["link"], e["scenario"], g(mh, "wall"), g(mb, "wall"),
            fmt_ratio(med(mh, "wall"), med(mb, "wall")) if mh else "—",
            g(mh, "cpu"), g(mb, "cpu"),
            fmt_ratio(med(mh, "cpu"), med(mb, "cpu")) if mh else "—",
            g(mh, "server_cpu"), g(mb, "server_cpu"),
            ("%.1f" % max(r["rss_mb"] for r in mh)) if mh else "—",
            "%.1f" % max(r["rss_mb"] for r in mb),
            check_summary(e["check"].get("mailhoard"), True),
            check_summary(e["check"]["mbsync"], False),
            verdict(e, limits.get(e["link"]), mh_ok)))

    L.append("\n## The limit (one TLS connection, UID FETCH 1:* BODY.PEEK[] per folder, "
             "files written, no fsync)\n")
    L.append("| link | messages | MB | wall s | MB/s | client CPU s | server CPU s "
             "| mailhoard initial as fraction of the limit | mbsync initial as fraction |")
    L.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for link, lim in limits.items():
        init = next(e for e in results if e["link"] == link and e["scenario"] == "initial")
        mh = init["runs"].get("mailhoard")
        mb = init["runs"]["mbsync"]
        if lim["rc"] != 0:
            L.append("| %s | failed (exit %d) | | | | | | | |" % (link, lim["rc"]))
            continue
        mbytes = lim["bytes"] / 1e6
        L.append("| %s | %d | %.1f | %.2f | %.1f | %.2f | %.2f | %s | %s |" % (
            link, lim["messages"], mbytes, lim["wall"], mbytes / lim["wall"], lim["cpu"],
            lim["server_cpu"],
            ("%.0f %%" % (100 * lim["wall"] / mh[0]["wall"])) if mh else "—",
            "%.0f %%" % (100 * lim["wall"] / mb[0]["wall"])))

    L.append("\n## Scenarios\n")
    for e in results:
        if e["scenario"] != "limit":
            L.append("- %s / %s: %s" % (e["link"], e["scenario"], e["note"]))

    L.append("\n## Method (details in bench/README.md)\n")
    L.append("- Same Dovecot, same mailbox for all three clients; the server is mutated with "
             "doveadm before a scenario and then both tools sync it, alternating which goes "
             "first. Slow-link runs start from fresh, empty archives after the loopback runs.")
    L.append("- Client CPU and peak RSS: wait4() rusage of the tool's process. Server CPU: "
             "/proc/<dovecot master>/stat utime+stime+cutime+cstime plus utime+stime+cutime+"
             "cstime of the master's live children, difference over the run.")
    L.append("- Correctness: every message in the server's Maildir must be found once in the "
             "local folder that holds the most of that folder's messages. mailhoard: bytes "
             "identical to the server file with LF→CRLF. mbsync stores LF and adds X-TUID, so "
             "its content is compared after CR and X-TUID removal (counted, not byte-exact). "
             "Flags: the Maildir system flags D F R S T (keywords not compared). mtime: the "
             "local file's mtime equals the server file's mtime (Dovecot's INTERNALDATE for "
             "Maildir). \"extra\" = local files matching no server message: under the archive "
             "policy (mailhoard) and Sync Pull + Expunge None (mbsync) these are the messages "
             "expunged on the server, kept locally.")


# --------------------------------------------------------------------------


def main():
    if "--scaling" in sys.argv[1:]:
        os.execv(sys.executable, [sys.executable, os.path.join(HERE, "scaling.py")] + sys.argv[1:])
    p = argparse.ArgumentParser(prog="bench/run BUILD_DIR",
                                description="mailhoard vs mbsync vs the limit")
    p.add_argument("build")
    p.add_argument("--messages", type=int, default=20000)
    p.add_argument("--quick", action="store_true", help="2,000-message smoke run")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--median-size", type=int, default=8192)
    p.add_argument("--big-fraction", type=float, default=0.005)
    p.add_argument("--delay-ms", type=int, default=25, help="slow link: delay each way")
    p.add_argument("--links", default="loopback,slow")
    p.add_argument("--protocols", default="imap,pop3",
                   help="imap (vs mbsync and the limit), pop3 (vs mpop and fetchmail), or both")
    p.add_argument("--pop3-messages", type=int, default=3600,
                   help="messages in the INBOX the POP3 part downloads")
    p.add_argument("--fetchmail-links", default="loopback",
                   help="links fetchmail runs on (it has no pipelining: ~10 min per slow run)")
    p.add_argument("--noop-runs", type=int, default=3)
    p.add_argument("--work", help="work directory (default: a fresh one under /var/tmp)")
    p.add_argument("--keep", action="store_true", help="keep the work directory")
    p.add_argument("--results-dir", default=os.path.join(HERE, "results"))
    p.add_argument("--scaling", action="store_true",
                   help="run the scaling mode instead (bench/scaling.py: --sizes, --big-mb)")
    args = p.parse_args()
    args.argv = sys.argv[2:]
    if args.quick and "--messages" not in sys.argv:
        args.messages = 2000
    args.noop_runs = max(3, args.noop_runs)
    protocols = args.protocols.split(",")
    for proto in protocols:
        if proto not in ("imap", "pop3"):
            raise SystemExit("unknown protocol %r (imap, pop3)" % proto)
        for tool in {"imap": ["mbsync"], "pop3": ["mpop", "fetchmail"]}[proto]:
            if not shutil.which(tool):
                raise SystemExit("bench: %s missing (tools/install-deps.sh --bench)" % tool)
    for link in args.links.split(","):
        if link not in ("loopback", "slow"):
            raise SystemExit("unknown link %r" % link)
    build = os.path.abspath(args.build)

    started = datetime.datetime.now(datetime.timezone.utc)
    work = args.work or tempfile.mkdtemp(prefix="mailhoard-bench.", dir="/var/tmp")
    os.makedirs(work, exist_ok=True)
    log("work directory %s" % work)
    info = machine_info(args, build)
    load_before = os.getloadavg()
    server = Server(build, work, args)
    proxy = None
    try:
        log("server ready: %s messages, %s bytes, IMAPS port %s" % (
            server.env["MH_MESSAGES"], server.env["MH_BYTES"], server.env["MH_IMAPS_PORT"]))
        probe = Mailhoard(build, os.path.join(work, "probe"), server,
                          int(server.env["MH_IMAPS_PORT"]))
        mh_ok = probe.available()
        if not mh_ok:
            log("mailhoard sync is not available in this build: measuring mbsync and the "
                "limit only")
        checker = Checker()
        rng = random.Random(args.seed)
        results = []
        for link in args.links.split(",") if "imap" in protocols else []:
            port = int(server.env["MH_IMAPS_PORT"])
            if link == "slow":
                proxy = Proxy(build, port, args.delay_ms)
                port = proxy.port
            run_link(link, port, args, build, work, server, checker, mh_ok, rng, results)
            if proxy:
                proxy.stop()
                proxy = None
        pop3_results = []
        if "pop3" in protocols:  # after IMAP: it replaces the INBOX
            import pop3_bench  # noqa: E402  (same directory)
            pop3_results = pop3_bench.run(args, build, work, server, mh_ok, rng)
        load_after = os.getloadavg()
        path, text = write_report(args, info, results, load_before, load_after, server, mh_ok,
                                  started, pop3_results)
        print(text)
        log("results written to %s" % path)
    finally:
        if proxy:
            proxy.stop()
        server.stop()
        if not args.keep and not args.work:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
