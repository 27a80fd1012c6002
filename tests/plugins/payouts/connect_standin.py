"""A STAND-IN for the few Stripe Connect endpoints the payouts plugin calls — not Stripe.

localstripe (our local Stripe for payments) has no Connect objects, so the ``stripe`` payout
provider is tested against this small HTTP server instead.  It speaks Stripe's wire format
(form-encoded requests, JSON objects with ``id``/``object``, Stripe's error envelope) well
enough for the real Stripe SDK, for exactly these endpoints:

* ``POST /v1/accounts`` (an Express account; honours ``Idempotency-Key``), ``GET /v1/accounts/{id}``
* ``POST /v1/account_links`` (an onboarding URL for an existing account)
* ``POST /v1/transfers`` (to an existing account; honours ``Idempotency-Key``: a replayed key
  answers the first transfer and moves nothing), ``GET /v1/transfers/{id}``
* ``POST /v1/transfers/{id}/reversals``

It keeps everything in memory, records every transfer it made (``transfers``), and can be told
to refuse transfers (``fail_transfers = "message"``) to exercise the failure path.  It checks
nothing else Stripe checks (balances, capabilities, onboarding state).
"""
from __future__ import annotations

import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl


class ConnectStandIn:
    def __init__(self):
        self.accounts: dict[str, dict] = {}
        self.transfers: dict[str, dict] = {}
        self.idempotent: dict[str, tuple[int, dict]] = {}
        self.fail_transfers: str | None = None
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> ConnectStandIn:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def reset(self) -> None:
        with self.lock:
            self.accounts.clear()
            self.transfers.clear()
            self.idempotent.clear()
            self.fail_transfers = None

    # ------------------------------------------------------------------ endpoints
    def create_account(self, form: dict) -> tuple[int, dict]:
        account = {"id": f"acct_{secrets.token_hex(8)}", "object": "account", "type": form.get("type", "express"),
                   "email": form.get("email"), "charges_enabled": False, "payouts_enabled": False,
                   "details_submitted": False, "metadata": _nested(form, "metadata"), "created": int(time.time())}
        self.accounts[account["id"]] = account
        return 200, account

    def create_link(self, form: dict) -> tuple[int, dict]:
        account = form.get("account")
        if account not in self.accounts:
            return _error(f"No such account: '{account}'", "account")
        now = int(time.time())
        return 200, {"object": "account_link", "created": now, "expires_at": now + 300,
                     "url": f"https://connect.stripe.com/setup/e/{account}/{secrets.token_hex(6)}"}

    def create_transfer(self, form: dict) -> tuple[int, dict]:
        destination = form.get("destination")
        if destination not in self.accounts:
            return _error(f"No such destination: '{destination}'", "destination")
        if self.fail_transfers:
            return _error(self.fail_transfers, "amount", code="balance_insufficient")
        transfer = {"id": f"tr_{secrets.token_hex(8)}", "object": "transfer", "amount": int(form["amount"]),
                    "currency": form.get("currency"), "destination": destination, "reversed": False,
                    "amount_reversed": 0, "transfer_group": form.get("transfer_group"),
                    "metadata": _nested(form, "metadata"), "created": int(time.time()),
                    "reversals": {"object": "list", "data": [], "has_more": False}}
        self.transfers[transfer["id"]] = transfer
        return 200, transfer

    def reverse(self, transfer_id: str, form: dict) -> tuple[int, dict]:
        transfer = self.transfers.get(transfer_id)
        if transfer is None:
            return _error(f"No such transfer: '{transfer_id}'", "id", status=404)
        amount = int(form.get("amount", transfer["amount"] - transfer["amount_reversed"]))
        transfer["amount_reversed"] += amount
        transfer["reversed"] = transfer["amount_reversed"] >= transfer["amount"]
        return 200, {"id": f"trr_{secrets.token_hex(8)}", "object": "transfer_reversal", "amount": amount,
                     "transfer": transfer_id, "created": int(time.time())}

    def route(self, method: str, path: str, form: dict) -> tuple[int, dict]:
        parts = [p for p in path.split("?")[0].split("/") if p]
        if method == "POST" and parts == ["v1", "accounts"]:
            return self.create_account(form)
        if method == "GET" and len(parts) == 3 and parts[:2] == ["v1", "accounts"] and parts[2] in self.accounts:
            return 200, self.accounts[parts[2]]
        if method == "POST" and parts == ["v1", "account_links"]:
            return self.create_link(form)
        if method == "POST" and parts == ["v1", "transfers"]:
            return self.create_transfer(form)
        if method == "GET" and len(parts) == 3 and parts[:2] == ["v1", "transfers"] and parts[2] in self.transfers:
            return 200, self.transfers[parts[2]]
        if method == "POST" and len(parts) == 4 and parts[:2] == ["v1", "transfers"] and parts[3] == "reversals":
            return self.reverse(parts[2], form)
        return _error(f"Unrecognized request URL ({method}: {path}); this stand-in only has Connect's "
                      f"accounts, account links and transfers.", "", status=404)

    def _handler(self):
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _answer(self, method):
                length = int(self.headers.get("Content-Length") or 0)
                form = dict(parse_qsl(self.rfile.read(length).decode())) if length else {}
                key = self.headers.get("Idempotency-Key")
                with standin.lock:
                    remembered = standin.idempotent.get(f"{self.path}:{key}") if key and method == "POST" else None
                    if remembered is not None:
                        status, body = remembered
                    else:
                        status, body = standin.route(method, self.path, form)
                        if key and method == "POST":
                            standin.idempotent[f"{self.path}:{key}"] = (status, body)
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.send_header("Request-Id", f"req_{secrets.token_hex(6)}")
                self.end_headers()
                self.wfile.write(payload)

            def do_POST(self):
                self._answer("POST")

            def do_GET(self):
                self._answer("GET")

        return Handler


def _nested(form: dict, name: str) -> dict:
    """``metadata[agora_payout_id]=7`` → ``{"agora_payout_id": "7"}``."""
    prefix = f"{name}["
    return {k[len(prefix):-1]: v for k, v in form.items() if k.startswith(prefix) and k.endswith("]")}


def _error(message: str, param: str, status: int = 400, code: str = "resource_missing") -> tuple[int, dict]:
    return status, {"error": {"type": "invalid_request_error", "message": message, "param": param, "code": code}}
