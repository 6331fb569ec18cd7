#!/usr/bin/env python3
"""The push scenario: an archive of N messages pushed into an empty mailbox.

bench/run BUILD_DIR --push [--messages N] [--quick] [--seed S]

One local Dovecot with the generated corpus and two empty users. mailhoard
first syncs the corpus into an archive (not timed here: bench.py measures
sync), then `mailhoard push` uploads that archive into the first empty user
(timed: wall, CPU, peak RSS, Dovecot's CPU) and a second push finds nothing
to do (timed). Debian has no imapsync, so the yardstick is the limit of raw
APPEND: `mailhoard-bench-limit --append` sends the same files into the
second empty user with LITERAL+ and 32 commands in flight, recording
nothing. Results go to bench/results/<date>-<host>-push.md (and .json).
"""
import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402


def count_messages(server, user):
    out = server.doveadm("-f", "tab", "mailbox", "status", "-u", user, "messages", "*").decode()
    counts = [line.rsplit("\t", 1)[-1] for line in out.split("\n")[1:]]  # "name\tcount"
    return sum(int(c) for c in counts if c.isdigit())


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("build")
    p.add_argument("--messages", type=int, default=None)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--median-size", type=int, default=8192)
    p.add_argument("--big-fraction", type=float, default=0.005)
    p.add_argument("--results-dir", default=os.path.join(bench.HERE, "results"))
    args = p.parse_args()
    args.argv = sys.argv[2:]
    if args.messages is None:
        args.messages = 2000 if args.quick else 20000
    args.server_extra = ["--empty-users", "2"]
    build = os.path.abspath(args.build)
    started = datetime.datetime.utcnow()
    load_before = os.getloadavg()
    work = tempfile.mkdtemp(prefix="mh-push-bench.", dir="/var/tmp")
    server = bench.Server(build, work, args)
    try:
        env = server.env
        port = int(env["MH_IMAPS_PORT"])
        mh = bench.Mailhoard(build, work, server, port)
        with open(mh.conf, "a") as f:
            f.write('\n[accounts.target1]\nhost = "127.0.0.1"\nport = %d\ntls = "implicit"\n'
                    'tls_ca_file = "%s"\nuser = "%s"\npassword_env = "MH_TARGET_PASSWORD"\n'
                    % (port, env["MH_CA_FILE"], env["MH_EMPTY_USER_1"]))
        bench.log("sync %d messages into the archive" % int(env["MH_MESSAGES"]))
        sync = bench.timed(mh.cmd() + ["bench"], server, env=mh.env, log_path=mh.log)
        if sync["rc"] != 0:
            raise SystemExit("mailhoard sync failed; see " + mh.log)
        push_env = dict(mh.env, MH_TARGET_PASSWORD=env["MH_EMPTY_PASSWORD_1"])
        push_cmd = [mh.bin, "-c", mh.conf, "push", "bench", "--to", "target1"]
        bench.log("push into an empty mailbox")
        first = bench.timed(push_cmd, server, env=push_env, log_path=mh.log)
        landed = count_messages(server, env["MH_EMPTY_USER_1"])
        bench.log("push again (nothing new)")
        again = bench.timed(push_cmd, server, env=push_env, log_path=mh.log)
        bench.log("limit: raw APPEND of the same files")
        limit_out = os.path.join(work, "limit.json")
        limit_cmd = ["sh", "-c", '"$0" --append 127.0.0.1 %d "$1" "$2" "$3" "$4" > "$5"'
                     % port, os.path.join(build, "bench", "mailhoard-bench-limit"),
                     env["MH_CA_FILE"], env["MH_EMPTY_USER_2"], env["MH_EMPTY_PASSWORD_2"],
                     os.path.join(mh.archive, "bench"), limit_out]
        limit = bench.timed(limit_cmd, server)
        with open(limit_out) as f:
            limit_counts = json.load(f)
    finally:
        server.stop()
    load_after = os.getloadavg()
    n = int(env["MH_MESSAGES"])
    results = {"messages": n, "bytes": int(env["MH_BYTES"]), "landed": landed,
               "sync": sync, "push": first, "push_again": again, "limit": limit,
               "limit_counts": limit_counts}
    info = bench.machine_info(args, build)
    L = ["# mailhoard push benchmark — %s UTC, %s\n" % (started.strftime("%Y-%m-%d %H:%M"),
                                                        info["host"]),
         "- machine: %d CPUs (%s), %.1f GB RAM" % (info["nproc"], info["cpu"],
                                                   info["memory_gb"]),
         "- load average (1/5/15 min): before %.2f %.2f %.2f, after %.2f %.2f %.2f"
         % (load_before + load_after),
         "- mailhoard git %s; Dovecot %s" % (info["git"], info["dovecot"]),
         "- corpus: %d messages, %.1f MB, seed %d; loopback IMAPS; Dovecot fsyncs every save"
         % (n, results["bytes"] / 1e6, args.seed),
         "- command: `bench/run BUILD_DIR --push %s`\n" % " ".join(args.argv),
         "| run | wall s | msgs/s | client CPU s | peak RSS MB | Dovecot CPU s |",
         "|---|---:|---:|---:|---:|---:|"]
    for name, r in (("mailhoard push, empty target", first), ("mailhoard push, nothing new", again),
                    ("limit: raw APPEND, 32 in flight", limit)):
        rate = n / r["wall"] if r["wall"] > 0 and "nothing" not in name else float("nan")
        L.append("| %s | %.2f | %.0f | %.2f | %.1f | %.2f |" % (
            name, r["wall"], rate, r["cpu"], r["rss_mb"], r["server_cpu"]))
    L.append("\nmailhoard / limit wall: %.2f×; messages on the target after the push: %d of %d "
             "(exit %d)." % (first["wall"] / limit["wall"], landed, n, first["rc"]))
    os.makedirs(args.results_dir, exist_ok=True)
    base = os.path.join(args.results_dir, "%s-%s-push%s" % (
        started.strftime("%Y-%m-%d"), info["host"], "-quick" if args.quick else ""))
    with open(base + ".json", "w") as f:
        json.dump({"info": info, "results": results}, f, indent=1, default=str)
    with open(base + ".md", "w") as f:
        f.write("\n".join(L) + "\n")
    print("\n".join(L))
    bench.log("wrote %s.md" % base)
    return 0 if landed == n and first["rc"] == 0 and again["rc"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
