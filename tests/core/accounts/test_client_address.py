"""The client address behind the throttles is the TCP peer unless a trusted proxy vouches for another."""
from __future__ import annotations

import ipaddress

import pytest

from config.settings import SettingsError, as_networks
from core.client import client_ip
from core.testing import TEST_PASSWORD

PROXIES = as_networks("10.0.0.0/8 192.168.7.7")


@pytest.mark.parametrize("remote, forwarded, expected", [
    ("203.0.113.9", "6.6.6.6", "203.0.113.9"),               # an untrusted peer names nobody else
    ("10.1.2.3", "203.0.113.5", "203.0.113.5"),              # the load balancer's word is taken
    ("10.1.2.3", "6.6.6.6, 203.0.113.5", "203.0.113.5"),     # the client's own prefix is ignored
    ("10.1.2.3", "203.0.113.5, 192.168.7.7", "203.0.113.5"),  # two trusted hops
    ("10.1.2.3", "10.9.9.9", "10.9.9.9"),                     # every hop trusted: the farthest
    ("10.1.2.3", "not-an-ip", "10.1.2.3"),                    # garbage: the last hop we trust
    ("10.1.2.3", None, "10.1.2.3"),
    ("", None, "-"),
])
def test_client_ip_walks_forwarded_for_from_the_right_through_trusted_proxies(remote, forwarded, expected):
    assert client_ip(remote, forwarded, PROXIES) == expected


def test_trusted_proxies_setting_refuses_what_is_not_an_address():
    assert as_networks("::1, 10.0.0.0/8") == [ipaddress.ip_network("::1"), ipaddress.ip_network("10.0.0.0/8")]
    from config.settings import load_settings
    with pytest.raises(SettingsError, match="agora.trusted_proxies"):
        load_settings({"agora.trusted_proxies": "10.0.0.0/8 lb.internal"}, environ={})


def _fail(testapp, email, forwarded=None, remote="10.0.0.1", status=401):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return testapp.post_json("/api/auth/login/", {"email": email, "password": "wrong password!"},
                             headers=headers, extra_environ={"REMOTE_ADDR": remote}, status=status)


def test_a_forged_forwarded_for_does_not_escape_the_address_limit(testapp, make_user):
    for i in range(50):
        _fail(testapp, f"spray{i}@example.com", forwarded=f"198.51.100.{i}")
    user = make_user()
    testapp.post_json("/api/auth/login/", {"email": user.email, "password": TEST_PASSWORD},
                      headers={"X-Forwarded-For": "198.51.100.200"}, status=429)


def test_nobody_can_spend_another_addresses_limit_by_naming_it(testapp, make_user):
    for i in range(50):
        _fail(testapp, f"spray{i}@example.com", forwarded="203.0.113.77", remote="10.66.0.1")
    user = make_user()
    testapp.post_json("/api/auth/login/", {"email": user.email, "password": TEST_PASSWORD},
                      extra_environ={"REMOTE_ADDR": "203.0.113.77"}, status=200)


def test_an_account_known_at_an_address_is_spared_that_addresses_limit_and_no_oracle_exists(testapp, make_user):
    office = "198.51.100.10"
    regular, newcomer = make_user(), make_user()
    testapp.post_json("/api/auth/login/", {"email": regular.email, "password": TEST_PASSWORD},
                      extra_environ={"REMOTE_ADDR": office}, status=200)
    for i in range(50):  # a sprayer behind the same NAT
        _fail(testapp, f"spray{i}@example.com", remote=office)
    # the colleague who signs in from the office every day still can
    testapp.post_json("/api/auth/login/", {"email": regular.email, "password": TEST_PASSWORD},
                      extra_environ={"REMOTE_ADDR": office}, status=200)
    # an account never seen there is held to the address limit, and the answer for its right
    # password is the answer for a wrong one
    right = testapp.post_json("/api/auth/login/", {"email": newcomer.email, "password": TEST_PASSWORD},
                              extra_environ={"REMOTE_ADDR": office}, status=429)
    wrong = _fail(testapp, newcomer.email, remote=office, status=429)
    assert right.json["errors"][0]["name"] == wrong.json["errors"][0]["name"] == "email"
    assert right.json["errors"][0]["description"].split(";")[0] == wrong.json["errors"][0]["description"].split(";")[0]
