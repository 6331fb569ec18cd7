#!/usr/bin/env python3
"""A fake Microsoft identity platform for mailhoard's OAuth2 tests.

Serves, for any tenant, /<tenant>/oauth2/v2.0/{devicecode,token,authorize}
plus /introspect (for Dovecot's oauth2 passdb) and /control (tests steer the
behaviour with a JSON POST). Listens on 127.0.0.1, over HTTPS when --cert and
--key are given, and prints "PORT <n>" on stdout once listening.

State is in memory; tokens are random strings mapped to a user and an expiry.
"""

import argparse
import base64
import hashlib
import json
import secrets
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

LOCK = threading.Lock()

# Behaviour, changed through /control.
CONFIG = {
    "user": "user1",                 # subject of issued tokens
    "access_token_lifetime": 3600,   # seconds
    "approve_after_polls": 3,        # device flow: pending until this poll
    "device_deny": False,            # device flow answers access_denied
    "device_expire": False,          # device flow answers expired_token
    "slow_down_once": False,         # next device poll answers slow_down
    "rotate_refresh_tokens": True,   # a refresh returns a new refresh token
    "rotation_revokes_old": False,   # Microsoft keeps the old one valid
    "client_secret": "test-secret",  # for client_credentials
    "fail_next": None,               # {"status", "error", "codes", "description"}
                                     # or {"status": 307, "location": url}
    "interval": 5,
    "expires_in": 900,
    "token_padding": 0,              # extra characters in access tokens
    "delay": 0,                      # seconds before answering token requests
}

ACCESS = {}     # token -> {"user", "expires"}
REFRESH = {}    # token -> {"user", "scope"}
DEVICE = {}     # device_code -> {"polls", "scope"}
CODES = {}      # code -> {"challenge", "method", "redirect_uri", "client_id", "scope"}
STATS = {"token_requests": 0, "introspections": 0, "grants": {}}


def new_token(prefix, padding=0):
    return prefix + secrets.token_urlsafe(24) + ("x" * padding)


def issue(scope, with_refresh=True):
    access = new_token("at-", CONFIG["token_padding"])
    ACCESS[access] = {"user": CONFIG["user"],
                      "expires": time.time() + CONFIG["access_token_lifetime"]}
    reply = {"token_type": "Bearer", "scope": scope,
             "expires_in": CONFIG["access_token_lifetime"],
             "ext_expires_in": CONFIG["access_token_lifetime"],
             "access_token": access}
    if with_refresh:
        refresh = new_token("rt-")
        REFRESH[refresh] = {"user": CONFIG["user"], "scope": scope}
        reply["refresh_token"] = refresh
    return reply


def ms_error(error, codes, description, status=400):
    codes = list(codes)
    text = description
    if codes:
        text = "AADSTS%d: %s" % (codes[0], description)
    return status, {
        "error": error,
        "error_description": text + "\r\nTrace ID: 0000\r\nCorrelation ID: 1111\r\n"
                                    "Timestamp: 2026-01-01 00:00:00Z",
        "error_codes": codes,
        "timestamp": "2026-01-01 00:00:00Z",
        "trace_id": "0000",
        "correlation_id": "1111",
    }


def s256(verifier):
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def take_failure():
    fail = CONFIG["fail_next"]
    if not fail:
        return None
    CONFIG["fail_next"] = None
    status = fail.get("status", 400)
    if "location" in fail:
        return status, {"message": "moved"}, {"Location": fail["location"]}
    if "error" not in fail:
        return status, {"message": "injected"}
    return ms_error(fail["error"], fail.get("codes", []),
                    fail.get("description", "Injected failure."), status)


def device_code(form):
    code = new_token("dc-")
    DEVICE[code] = {"polls": 0, "scope": form.get("scope", "")}
    user_code = secrets.token_hex(4).upper()
    return 200, {
        "device_code": code, "user_code": user_code,
        "verification_uri": "https://microsoft.com/devicelogin",
        "expires_in": CONFIG["expires_in"], "interval": CONFIG["interval"],
        "message": "To sign in, use a web browser to open the page "
                   "https://microsoft.com/devicelogin and enter the code %s to "
                   "authenticate." % user_code,
    }


def token(form):
    grant = form.get("grant_type", "")
    STATS["grants"][grant] = STATS["grants"].get(grant, 0) + 1
    scope = form.get("scope", "")
    if grant == "urn:ietf:params:oauth:grant-type:device_code":
        entry = DEVICE.get(form.get("device_code", ""))
        if entry is None:
            return ms_error("bad_verification_code", [70019], "Verification code unknown.")
        entry["polls"] += 1
        if CONFIG["slow_down_once"]:
            CONFIG["slow_down_once"] = False
            return ms_error("slow_down", [], "Polling too fast.")
        if CONFIG["device_expire"]:
            return ms_error("expired_token", [70020], "The provided value has expired.")
        if CONFIG["device_deny"]:
            return ms_error("access_denied", [70016], "The user declined.")
        if entry["polls"] < CONFIG["approve_after_polls"]:
            return ms_error("authorization_pending", [70016],
                            "OAuth 2.0 device flow error. Authorization is pending.")
        del DEVICE[form["device_code"]]
        return 200, issue(entry["scope"] or scope)
    if grant == "refresh_token":
        old = form.get("refresh_token", "")
        entry = REFRESH.get(old)
        if entry is None:
            return ms_error("invalid_grant", [70000],
                            "The provided grant has expired due to it being revoked.")
        reply = issue(scope or entry["scope"], CONFIG["rotate_refresh_tokens"])
        if CONFIG["rotate_refresh_tokens"] and CONFIG["rotation_revokes_old"]:
            del REFRESH[old]
        return 200, reply
    if grant == "client_credentials":
        if form.get("client_secret") != CONFIG["client_secret"]:
            return ms_error("invalid_client", [7000215], "Invalid client secret provided.",
                            401)
        return 200, issue(scope, with_refresh=False)
    if grant == "authorization_code":
        entry = CODES.pop(form.get("code", ""), None)
        if entry is None:
            return ms_error("invalid_grant", [70008], "The provided authorization code "
                                                      "is invalid or expired.")
        if entry["redirect_uri"] != form.get("redirect_uri"):
            return ms_error("invalid_grant", [50148], "redirect_uri does not match.")
        if entry["method"] != "S256" or s256(form.get("code_verifier", "")) != entry["challenge"]:
            return ms_error("invalid_grant", [501481], "The Code_Verifier does not match "
                                                       "the code_challenge.")
        return 200, issue(entry["scope"] or scope)
    return ms_error("unsupported_grant_type", [70003], "Unsupported grant type.")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet: tests read stdout for the port
        pass

    def reply(self, status, body, headers=None):
        data = json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n).decode() if n else ""

    def form(self):
        return {k: v[0] for k, v in parse_qs(self.body(), keep_blank_values=True).items()}

    def do_GET(self):
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path.endswith("/oauth2/v2.0/authorize"):
            # Plays the user who signs in: redirect back with a code.
            with LOCK:
                code = new_token("code-")
                CODES[code] = {"challenge": query.get("code_challenge", ""),
                               "method": query.get("code_challenge_method", "plain"),
                               "redirect_uri": query.get("redirect_uri", ""),
                               "client_id": query.get("client_id", ""),
                               "scope": query.get("scope", "")}
            params = {"code": code, "state": query.get("state", "")}
            self.reply(302, None, {"Location": query.get("redirect_uri", "") + "?" +
                                   urlencode(params)})
        elif url.path == "/control":
            with LOCK:
                self.reply(200, {"config": CONFIG, "stats": STATS,
                                 "refresh_tokens": len(REFRESH)})
        elif url.path == "/introspect":
            self.introspect(query.get("token", ""))
        else:
            self.reply(404, {"error": "not_found"})

    def introspect(self, tok):
        auth = self.headers.get("Authorization", "")
        if not tok and auth.lower().startswith("bearer "):
            tok = auth[7:]
        with LOCK:
            STATS["introspections"] += 1
            entry = ACCESS.get(tok)
            # Dead tokens get 200 {"active": false}: a 401 makes Dovecot
            # answer NO [UNAVAILABLE] instead of the XOAUTH2 challenge.
            if entry is None or entry["expires"] < time.time():
                self.reply(200, {"active": False})
            else:
                self.reply(200, {"active": True, "username": entry["user"],
                                 "exp": int(entry["expires"])})

    def do_POST(self):
        path = urlsplit(self.path).path
        if path == "/control":
            self.control(json.loads(self.body() or "{}"))
            return
        form = self.form()
        if CONFIG["delay"] and path != "/introspect":
            time.sleep(CONFIG["delay"])  # outside LOCK: /control stays usable
        if path == "/introspect":
            self.introspect(form.get("token", ""))
            return
        with LOCK:
            STATS["token_requests"] += 1
            failure = take_failure()
            if failure:
                self.reply(*failure)
            elif path.endswith("/oauth2/v2.0/devicecode"):
                self.reply(*device_code(form))
            elif path.endswith("/oauth2/v2.0/token"):
                if path.startswith("/unknown-tenant/"):
                    self.reply(*ms_error("invalid_request", [90002],
                                         "Tenant 'unknown-tenant' not found."))
                else:
                    self.reply(*token(form))
            else:
                self.reply(404, {"error": "not_found"})

    def control(self, cmd):
        out = {}
        with LOCK:
            for key, value in cmd.items():
                if key in CONFIG:
                    CONFIG[key] = value
                elif key == "revoke_refresh_tokens":
                    REFRESH.clear()
                elif key == "expire_access_tokens":
                    for entry in ACCESS.values():
                        entry["expires"] = 0
                elif key == "issue":
                    # {"issue": {"user": u, "lifetime": s}} -> a token pair.
                    saved = (CONFIG["user"], CONFIG["access_token_lifetime"])
                    CONFIG["user"] = value.get("user", saved[0])
                    CONFIG["access_token_lifetime"] = value.get("lifetime", saved[1])
                    out = issue(value.get("scope", ""))
                    CONFIG["user"], CONFIG["access_token_lifetime"] = saved
                else:
                    self.reply(400, {"error": "unknown control key " + key})
                    return
        self.reply(200, out)


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A client that timed out on purpose (the "delay" tests) is no news.
        if isinstance(sys.exc_info()[1], (ConnectionError, ssl.SSLError)):
            return
        super().handle_error(request, client_address)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--cert", help="PEM certificate: serve HTTPS")
    parser.add_argument("--key", help="PEM private key for --cert")
    parser.add_argument("--config", default="{}", help="JSON overriding CONFIG")
    args = parser.parse_args()
    CONFIG.update(json.loads(args.config))
    server = Server(("127.0.0.1", args.port), Handler)
    if args.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.cert, args.key)
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    print("PORT %d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
