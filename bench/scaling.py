#!/usr/bin/env python3
"""Scaling mode (bench/run BUILD_DIR --scaling): does time grow linearly and
memory stay flat?

1. Mailbox size: for each N in --sizes (default 10000,100000) a fresh server
   with an N-message corpus, an initial sync by each tool: wall, CPU, peak RSS,
   and time per 1,000 messages.
2. Message size: a small server; messages of 1, 10 and 50 MB (--big-mb) are
   saved into INBOX one at a time and each tool syncs after each: peak RSS
   must not follow the message size.
Writes bench/results/<date>-<host>-scaling.md (and .json) and prints it.
"""
import argparse
import datetime
import json
import os
import random
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench  # noqa: E402  (same directory)


def big_message(mb, rng):
    """A text/plain message of about mb megabytes with LF line endings."""
    line = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789 ") for _ in range(75))
    body = (line + "\n") * ((mb << 20) // 76)
    return ("From: scaling@example.org\nTo: archive@example.org\nSubject: %d MB message\n"
            "Message-ID: <scaling-%d-%d@example.org>\nMIME-Version: 1.0\n"
            "Content-Type: text/plain; charset=us-ascii\n\n%s"
            % (mb, mb, rng.randint(0, 1 << 40), body)).encode()


def tools(build, work, server, mh_ok):
    port = int(server.env["MH_IMAPS_PORT"])
    out = [bench.Mbsync(work, server, port)]
    if mh_ok:
        out.insert(0, bench.Mailhoard(build, work, server, port))
    return out


def main():
    p = argparse.ArgumentParser(prog="bench/run BUILD_DIR --scaling")
    p.add_argument("build")
    p.add_argument("--scaling", action="store_true")
    p.add_argument("--sizes", default="10000,100000")
    p.add_argument("--big-mb", default="1,10,50")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--median-size", type=int, default=8192)
    p.add_argument("--big-fraction", type=float, default=0.005)
    p.add_argument("--results-dir", default=os.path.join(HERE, "results"))
    p.add_argument("--keep", action="store_true")
    args, _ = p.parse_known_args()
    build = os.path.abspath(args.build)
    started = datetime.datetime.now(datetime.timezone.utc)
    info = bench.machine_info(args, build)
    load_before = os.getloadavg()
    rows, big_rows, mh_ok = [], [], True
    work = tempfile.mkdtemp(prefix="mailhoard-scaling.", dir="/var/tmp")
    try:
        for n in [int(x) for x in args.sizes.split(",")]:
            args.messages = n
            w = os.path.join(work, "n%d" % n)
            os.makedirs(w)
            server = bench.Server(build, w, args)
            try:
                probe = bench.Mailhoard(build, os.path.join(w, "probe"), server,
                                        int(server.env["MH_IMAPS_PORT"]))
                mh_ok = probe.available()
                for t in tools(build, w, server, mh_ok):
                    r = bench.timed(t.cmd(), server, env=t.env, log_path=t.log)
                    r.update(tool=t.name, messages=n, bytes=int(server.env["MH_BYTES"]))
                    rows.append(r)
                    bench.log("scaling %d messages: %s %.1f s, %.1f MB RSS, rc %d"
                              % (n, t.name, r["wall"], r["rss_mb"], r["rc"]))
                    shutil.rmtree(t.dir, ignore_errors=True)  # disk: 100k messages are GBs
            finally:
                server.stop()
        args.messages = 10
        w = os.path.join(work, "big")
        os.makedirs(w)
        server = bench.Server(build, w, args)
        rng = random.Random(args.seed)
        try:
            ts = tools(build, w, server, mh_ok)
            for t in ts:  # initial sync of the 10 small messages, not reported
                bench.timed(t.cmd(), server, env=t.env, log_path=t.log)
            for mb in [int(x) for x in args.big_mb.split(",")]:
                server.doveadm("save", "-u", server.user, "-m", "INBOX",
                               stdin=big_message(mb, rng))
                for t in ts:
                    r = bench.timed(t.cmd(), server, env=t.env, log_path=t.log)
                    r.update(tool=t.name, mb=mb)
                    big_rows.append(r)
                    bench.log("scaling one %d MB message: %s %.2f s, %.1f MB RSS, rc %d"
                              % (mb, t.name, r["wall"], r["rss_mb"], r["rc"]))
        finally:
            server.stop()
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    load_after = os.getloadavg()

    L = ["# mailhoard scaling — %s UTC, %s\n" % (started.strftime("%Y-%m-%d %H:%M"),
                                                  info["host"]),
         "- machine: %d CPUs (%s), %.1f GB RAM; load before %.2f %.2f %.2f, after %.2f %.2f "
         "%.2f" % ((info["nproc"], info["cpu"], info["memory_gb"]) + load_before + load_after),
         "- versions: mailhoard git %s; %s; Dovecot %s" % (info["git"], info["mbsync"],
                                                           info["dovecot"]),
         "- loopback IMAPS; initial sync into an empty archive; peak RSS from wait4 rusage "
         "via /usr/bin/time\n"]
    if not mh_ok:
        L.append("**mailhoard `sync` is not available in this build: mbsync only.**\n")
    L += ["## Mailbox size (target: time linear, RSS flat)\n",
          "| tool | messages | MB | wall s | s per 1,000 msgs | CPU s | peak RSS MB | exit |",
          "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        L.append("| %s | %d | %.0f | %.1f | %.2f | %.1f | %.1f | %d |" % (
            r["tool"], r["messages"], r["bytes"] / 1e6, r["wall"],
            1000 * r["wall"] / r["messages"], r["cpu"], r["rss_mb"], r["rc"]))
    L += ["\n## Message size (target: RSS flat)\n",
          "| tool | one new message of | wall s | CPU s | peak RSS MB | exit |",
          "|---|---:|---:|---:|---:|---:|"]
    for r in big_rows:
        L.append("| %s | %d MB | %.2f | %.2f | %.1f | %d |" % (
            r["tool"], r["mb"], r["wall"], r["cpu"], r["rss_mb"], r["rc"]))
    text = "\n".join(L) + "\n"
    os.makedirs(args.results_dir, exist_ok=True)
    path = os.path.join(args.results_dir, "%s-%s-scaling.md" % (started.strftime("%Y-%m-%d"),
                                                                 info["host"]))
    with open(path, "w") as f:
        f.write(text)
    with open(path[:-3] + ".json", "w") as f:
        json.dump({"info": info, "sizes": rows, "big": big_rows}, f, indent=1)
    print(text)
    bench.log("results written to %s" % path)


if __name__ == "__main__":
    main()
