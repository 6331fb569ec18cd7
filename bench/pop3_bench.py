"""POP3 part of the benchmark: mailhoard vs mpop vs fetchmail (see README.md).

One INBOX on the benchmark's Dovecot, served over POP3S, downloaded by the
three tools in turn. Called from bench.py's main() after the IMAP part (it
replaces INBOX's contents); reuses bench.py's server, timing and checker.
"""
import os
import shlex
import time

import bench  # same directory; bench.py puts it on sys.path as __main__'s dir
from bench import log, med, timed

SEED_FOLDER = "pop3-seed"  # created after the IMAP part, so IMAP never sees it
ADDED_BY = (b"(mpop-", b"(fetchmail-")  # in the Received header each adds


# --------------------------------------------------------------------------
# The INBOX: a snapshot folder, copied back before each scenario that needs it


def build_seed(server, n, rng):
    """Fills SEED_FOLDER with n distinct messages: the corpus's own first
    (every folder, INBOX first), topped up with generated ones written straight
    into its Maildir when the corpus is smaller than n."""
    user = server.user
    server.doveadm("mailbox", "create", "-u", user, SEED_FOLDER)
    copied = 0
    for f in ["INBOX"] + [f for f in bench.folders(server) if f not in ("INBOX", SEED_FOLDER)]:
        uids = [uid for _, uid, _ in bench.messages(server, f)][:n - copied]
        if uids:
            server.doveadm("copy", "-u", user, SEED_FOLDER, "mailbox", f, "uid",
                           bench.uid_set(uids))
            copied += len(uids)
        if copied >= n:
            break
    path = server.doveadm("mailbox", "path", "-u", user, SEED_FOLDER).decode().strip()
    owner = os.stat(path)
    now = int(time.time())
    for i in range(n - copied):
        data = bench.new_message(rng, rng.randint(0, 1 << 30))
        name = "%d.M%dP%d.pop3seed,S=%d:2," % (now, i, os.getpid(), len(data))
        tmp = os.path.join(path, "tmp", name)
        with open(tmp, "wb") as f:
            f.write(data)
        if os.getuid() == 0:  # Dovecot's mail user owns the Maildir
            os.chown(tmp, owner.st_uid, owner.st_gid)
        os.rename(tmp, os.path.join(path, "cur", name))
    server.doveadm("force-resync", "-u", user, SEED_FOLDER)
    return path, copied, n - copied


def reseed_inbox(server):
    """INBOX := SEED_FOLDER. Dovecot copies Maildir messages as hard links, so
    this takes about a second and the bytes are exactly the snapshot's."""
    server.doveadm("expunge", "-u", server.user, "mailbox", "INBOX", "all")
    server.doveadm("copy", "-u", server.user, "INBOX", "mailbox", SEED_FOLDER, "all")


def inbox_files(server):
    return sum(len(os.listdir(os.path.join(server.maildir, sub))) for sub in ("cur", "new"))


# --------------------------------------------------------------------------
# The three clients. Each instance is one local store in one mode (keep/drain).


class Pop3Mailhoard(bench.Mailhoard):
    ok_rc = (0,)

    def __init__(self, build, work, server, port, keep):
        super().__init__(build, work, server, port,
                         'protocol = "pop3"\npolicy = "%s"\n' % ("keep" if keep else "drain"))

    def cmd(self, initial=False):
        return super().cmd()


class Mpop:
    name = "mpop"
    ok_rc = (0,)

    def __init__(self, work, server, port, keep):
        self.dir = os.path.join(work, "mpop")
        self.root = os.path.join(self.dir, "mail")
        for sub in ("cur", "new", "tmp"):
            os.makedirs(os.path.join(self.root, sub), exist_ok=True)
        self.conf = os.path.join(self.dir, "mpoprc")
        with open(self.conf, "w") as f:
            f.write(f"""# written by bench/pop3_bench.py
defaults
tls on
tls_starttls off
tls_trust_file {server.env["MH_CA_FILE"]}

account bench
host 127.0.0.1
port {port}
user {server.user}
password {server.env["MH_PASSWORD"]}
delivery maildir {self.root}
uidls_file {self.dir}/uidls
keep {"on" if keep else "off"}
""")
        os.chmod(self.conf, 0o600)
        self.env = dict(os.environ)
        self.log = os.path.join(self.dir, "runs.log")

    def cmd(self, initial=False):
        return ["mpop", "-C", self.conf, "-q", "bench"]


class Fetchmail:
    name = "fetchmail"
    ok_rc = (0, 1)  # 1: "no mail" — a successful no-op

    def __init__(self, work, server, port, keep):
        self.dir = os.path.join(work, "fetchmail")
        self.root = os.path.join(self.dir, "mail")
        for sub in ("cur", "new", "tmp"):
            os.makedirs(os.path.join(self.root, sub), exist_ok=True)
        # No Maildir MDA is installed (procmail, maildrop): a shell one, tmp/
        # then rename into new/ as Maildir delivery requires. fetchmail runs
        # the mda string with popen(), i.e. /bin/sh -c, once per message;
        # `read` from /proc names the file without another fork.
        q = shlex.quote
        tmp, new = q(os.path.join(self.root, "tmp")), q(os.path.join(self.root, "new"))
        mda = ("read u < /proc/sys/kernel/random/uuid && cat > %s/$u && mv %s/$u %s/$u"
               % (tmp, tmp, new))
        rc_string = lambda v: v.replace("\\", "\\\\").replace('"', '\\"')
        pw, mda = rc_string(server.env["MH_PASSWORD"]), rc_string(mda)
        self.conf = os.path.join(self.dir, "fetchmailrc")
        # localhost, not 127.0.0.1: fetchmail checks the certificate against
        # the poll name as a DNS name (the test certificate names both).
        # bad-header accept: some corpus messages have a header line
        # fetchmail rejects by default (see README.md), the others deliver
        # them as they are.
        with open(self.conf, "w") as f:
            f.write(f"""# written by bench/pop3_bench.py
set no syslog
poll localhost protocol POP3 port {port} uidl bad-header accept
  user "{server.user}" there password "{pw}" is "{os.environ.get("USER", "root")}" here
  ssl sslcertck sslcertfile "{server.env["MH_CA_FILE"]}"
  {"keep" if keep else "nokeep"}
  mda "{mda}"
""")
        os.chmod(self.conf, 0o600)
        # FETCHMAILHOME: its lock/pid file goes into the work dir.
        self.env = dict(os.environ, FETCHMAILHOME=self.dir)
        self.log = os.path.join(self.dir, "runs.log")

    def cmd(self, initial=False):
        return (["fetchmail", "-f", self.conf, "--idfile", os.path.join(self.dir, "fetchids"),
                 "--silent"] + (["--fetchall"] if initial else []))


def make_tools(build, work, server, port, keep, mh_ok, with_fetchmail=True):
    others = [Mpop(work, server, port, keep)]
    if with_fetchmail:
        others.append(Fetchmail(work, server, port, keep))
    return ([Pop3Mailhoard(build, work, server, port, keep)] if mh_ok else []) + others


# --------------------------------------------------------------------------
# Correctness


def normalize(data):
    """LF line endings, without the Received header mpop or fetchmail adds
    (its continuation lines included). Other header lines stay, so the rest
    of the message must be identical."""
    data = data.replace(b"\r\n", b"\n")
    end = data.find(b"\n\n")
    head = data[:end if end >= 0 else len(data)]
    if not any(a in head for a in ADDED_BY):
        return data
    fields, out = [], []
    for line in head.split(b"\n"):
        if line[:1] in (b" ", b"\t") and fields:  # a continuation line
            fields[-1].append(line)
        else:
            fields.append([line])
    for f in fields:
        text = b"\n".join(f)
        if text.lower().startswith(b"received:") and any(a in text for a in ADDED_BY):
            continue
        out.append(text)
    return b"\n".join(out) + data[len(head):]


def summary(c, exact_bytes):
    """Presence, duplicates, bytes; POP3 carries no flags or dates, so the
    Maildir flags and mtimes are not compared."""
    if c is None:
        return "—"
    bad = bench.presence_problems(c, exact_bytes)
    if c["extra"]:
        bad.append("%d extra" % c["extra"])
    if c.get("server_left"):
        bad.append("%d left on the server" % c["server_left"])
    return ("ok %d/%d" % (c["present"], c["server"])) if not bad else "FAIL: " + ", ".join(bad)


# --------------------------------------------------------------------------
# One link: keep initial, keep no-op, keep +100 new, drain


def run_link(link, port, args, build, work, server, checker, seed_dir, mh_ok, rng, results):
    lw = os.path.join(work, "pop3-" + link)
    # fetchmail has no pipelining: three round trips a message make a slow
    # link run take ten minutes or more, so it runs on the links named.
    with_fm = link in args.fetchmail_links.split(",")
    keep = make_tools(build, os.path.join(lw, "keep"), server, port, True, mh_ok, with_fm)
    order = 0 if link == "loopback" else 1

    def rotation():
        nonlocal order
        k = order % len(keep)
        order += 1
        return k

    def record(entry, t, r):
        r["ok"] = r["rc"] in t.ok_rc
        entry["runs"].setdefault(t.name, []).append(r)
        log("pop3 %s %-11s %-9s %6.2f s wall, %6.2f s CPU, %5.1f MB, server %5.2f s, rc %d"
            % (link, entry["scenario"], t.name, r["wall"], r["cpu"], r["rss_mb"],
               r["server_cpu"], r["rc"]))

    def check(entry, t, server_dir):
        c = checker.check(server_dir, t.root, 0, server_recursive=False)
        entry.setdefault("check", {})[t.name] = c
        log("pop3 %s %-11s %-9s check: %s" % (link, entry["scenario"], t.name,
                                              summary(c, t.name == "mailhoard")))

    def keep_scenario(name, note, runs=1, initial=False):
        entry = {"link": link, "scenario": name, "note": note, "runs": {}}
        for _ in range(runs):
            k = rotation()
            for t in keep[k:] + keep[:k]:
                record(entry, t, timed(t.cmd(initial), server, env=t.env, log_path=t.log))
        for t in keep:
            check(entry, t, server.maildir)
        results.append(entry)

    reseed_inbox(server)
    n = inbox_files(server)
    keep_scenario("keep initial", "%d messages; all downloaded, left on the server" % n,
                  initial=True)
    keep_scenario("keep no-op", "nothing changed; median of %d runs" % args.noop_runs,
                  runs=args.noop_runs)
    keep_scenario("keep +100 new", bench.mutate_new(server, rng, picked=["INBOX"]))

    # drain: each tool from the same full INBOX into an empty store.
    drain = make_tools(build, os.path.join(lw, "drain"), server, port, False, mh_ok, with_fm)
    entry = {"link": link, "scenario": "drain",
             "note": "%d messages downloaded and deleted; INBOX re-seeded before each tool "
                     "(expunge all + doveadm copy of the snapshot folder)" % n, "runs": {}}
    k = rotation()
    for t in drain[k:] + drain[:k]:
        reseed_inbox(server)
        record(entry, t, timed(t.cmd(True), server, env=t.env, log_path=t.log))
        check(entry, t, seed_dir)
        entry["check"][t.name]["server_left"] = inbox_files(server)
    results.append(entry)


def run(args, build, work, server, mh_ok, rng):
    """The POP3 part; returns its result entries (for the report and JSON)."""
    checker = bench.Checker(normalize)
    seed_dir, copied, generated = build_seed(server, args.pop3_messages, rng)
    log("pop3: INBOX snapshot of %d messages (%d from the corpus, %d generated)"
        % (copied + generated, copied, generated))
    results = [{"scenario": "seed", "messages": copied + generated, "from_corpus": copied,
                "generated": generated,
                "bytes": sum(os.path.getsize(os.path.join(seed_dir, "cur", f))
                             for f in os.listdir(os.path.join(seed_dir, "cur")))}]
    for link in args.links.split(","):
        port = int(server.env["MH_POP3S_PORT"])
        proxy = bench.Proxy(build, port, args.delay_ms) if link == "slow" else None
        try:
            run_link(link, proxy.port if proxy else port, args, build, work, server, checker,
                     seed_dir, mh_ok, rng, results)
        finally:
            if proxy:
                proxy.stop()
    return results


# --------------------------------------------------------------------------
# Report


def verdict(entry):
    """Target of the issue: keep and drain initial downloads no slower than
    mpop (wall), every message present once, bytes identical. The other
    scenarios are reported against mpop without a target."""
    mh, mp = entry["runs"]["mailhoard"], entry["runs"]["mpop"]
    ratio = med(mh, "wall") / med(mp, "wall")
    miss = []
    bad_rc = [r["rc"] for r in mh if not r["ok"]]
    if bad_rc:
        miss.append("mailhoard exit status %d" % bad_rc[0])
    if not summary(entry["check"]["mailhoard"], True).startswith("ok"):
        miss.append("correctness")
    if entry["scenario"] not in ("keep initial", "drain"):
        return ("no target; " if not miss else "MISSED: " + "; ".join(miss) + "; ") + (
            "%.2f× mpop" % ratio)
    if ratio > 1:
        miss.append("wall %.2f× mpop (target ≤ 1×)" % ratio)
    return "**met**" if not miss else "MISSED: " + "; ".join(miss)


def report_lines(args, results, mh_ok):
    seed = results[0]
    L = ["\n## POP3: mailhoard vs mpop vs fetchmail\n"]
    L.append("One INBOX of %d messages (%.1f MB; %d from the corpus, %d generated), POP3S on "
             "the same Dovecot, certificate verified against the test CA; slow link = the "
             "same proxy in front of the POP3S port. Wall and CPU in seconds (no-op: median "
             "of %d runs); CPU = client user+sys; RSS = client peak; ratios = mailhoard / "
             "other (below 1: mailhoard is better). Target: keep and drain initial no slower "
             "than mpop.\n" % (seed["messages"], seed["bytes"] / 1e6, seed["from_corpus"],
                               seed["generated"], args.noop_runs))
    if not mh_ok:
        L.append("**mailhoard `sync` is not available in this build: its columns are "
                 "empty.**\n")
    L.append("| link | scenario | wall mh | wall mpop | wall fetchmail | mh/mpop | mh/fetchmail "
             "| CPU mh / mpop / fetchmail | server CPU mh / mpop / fetchmail "
             "| RSS MB mh / mpop / fetchmail | correct mh | correct mpop | correct fetchmail "
             "| verdict |")
    L.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|---|")
    names = ("mailhoard", "mpop", "fetchmail")
    for e in results[1:]:
        runs = e["runs"]
        got = lambda n, k, f="%.2f": (f % med(runs[n], k)) if n in runs else "—"
        ratio = lambda n: (bench.fmt_ratio(med(runs["mailhoard"], "wall"), med(runs[n], "wall"))
                           if "mailhoard" in runs and n in runs else "—")
        L.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            e["link"], e["scenario"], got("mailhoard", "wall"), got("mpop", "wall"),
            got("fetchmail", "wall"), ratio("mpop"), ratio("fetchmail"),
            " / ".join(got(n, "cpu") for n in names),
            " / ".join(got(n, "server_cpu") for n in names),
            " / ".join(("%.1f" % max(r["rss_mb"] for r in runs[n])) if n in runs else "—"
                       for n in names),
            *[summary(e["check"].get(n), n == "mailhoard") for n in names],
            verdict(e) if mh_ok else "n/a"))
    L.append("\nFailed runs (exit status other than 0; fetchmail's 1 = no mail is success): %s"
             % (", ".join("%s %s %s: %d" % (e["link"], e["scenario"], n, r["rc"])
                          for e in results[1:] for n, rs in e["runs"].items() for r in rs
                          if not r["ok"]) or "none"))
    L.append("\nScenarios:\n")
    for e in results[1:]:
        L.append("- %s / %s: %s" % (e["link"], e["scenario"], e["note"]))
    L.append("\nMethod: mailhoard `protocol = \"pop3\"`, `policy = \"keep\"`/`\"drain\"`, "
             "otherwise as for IMAP; mpop `delivery maildir`, `keep on|off`, `tls_trust_file`, "
             "`uidls_file`; fetchmail `uidl`, `keep`/`nokeep`, `sslcertck sslcertfile`, "
             "`bad-header accept`, `--fetchall` on the initial runs, an MDA `cat > tmp/… && "
             "mv … new/` (fetchmail runs it with popen: one sh, cat and mv per message). Correctness: every server INBOX "
             "message (drain: every message of the snapshot, and none left on the server) once "
             "in the local Maildir; mailhoard byte-identical to the server file with LF→CRLF; "
             "mpop and fetchmail store LF and add a Received header, so they are compared after "
             "removing CRs and that header (counted, not byte-exact). No flags or dates: POP3 "
             "has neither.")
    return L
