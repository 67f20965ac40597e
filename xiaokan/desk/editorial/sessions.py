"""Sessions of the desk (in memory: a restarted preview asks for the login again), each with its own
token that every request that changes something must carry (CSRF), and a brake on password guessing."""
from __future__ import annotations

import hmac
import ipaddress
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

IDLE_SECONDS = 8 * 3600       # a session unused this long ends (a working day)
LONGEST_SECONDS = 24 * 3600   # and every session ends after a day
MOST_PER_ACCOUNT = 10        # live sessions of one account at most (a new login ends one never used again, else
                             # the least recently used: a page of another site that asks for the desk without the
                             # cookie, ten times, begins ten 本机 sessions its browser never keeps, and ended the
                             # editor's, whose next save then went to the login page)
FREE_FAILURES = 5             # wrong passwords allowed before the brake
FIRST_WAIT = 30.0             # seconds after the fifth failure, doubled after each further one
LONGEST_WAIT = 3600.0         # (the doubling stops at an hour)
FORGET_AFTER = 24 * 3600.0    # a count whose wait ended a day ago is forgotten: one a day is as few as the brake allows
MOST_RECORDS = 10_000         # counts kept at most, the least recently failed forgotten first
# An account's wrong passwords from all addresses together are braked more slowly: a guesser from many
# addresses is still slowed, while whoever guesses from one cannot lock the account's owner out for an hour.
ACCOUNT_PREFIX = "account:"   # (the key of that count: account:<name>)
ACCOUNT_FREE_FAILURES = 20
ACCOUNT_FIRST_WAIT = 2.0
ACCOUNT_LONGEST_WAIT = 60.0


@dataclass
class Session:
    id: str
    token: str                # the CSRF token, sent back in the X-Desk-Token header
    user: str
    role: str
    started: float
    last_seen: float
    account: str = ""         # the account's fingerprint when the session began (accounts.fingerprint; "": 本机)
    address: str = ""         # the client's address at the login
    used: bool = False        # asked for again after it began (its browser keeps its cookie)


@dataclass
class SessionStore:
    clock: Callable[[], float] = time.monotonic
    sessions: dict[str, Session] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self, user: str, role: str, account: str = "", address: str = "") -> Session:
        now = self.clock()
        session = Session(secrets.token_urlsafe(32), secrets.token_urlsafe(32), user, role, now, now, account, address)
        with self.lock:
            self._forget_expired(now)
            own = sorted((s for s in self.sessions.values() if s.user == user), key=lambda s: (s.used, s.last_seen))
            for old in own[:max(0, len(own) + 1 - MOST_PER_ACCOUNT)]:   # (本机's too: each new tab without a cookie is one)
                del self.sessions[old.id]
            self.sessions[session.id] = session
        return session

    def get(self, session_id: str | None) -> Session | None:
        """The live session of this id, or None (unknown, idle too long, or too old)."""
        if not session_id:
            return None
        now = self.clock()
        with self.lock:
            session = self.sessions.get(session_id)
            if session is None or self._expired(session, now):
                self.sessions.pop(session_id, None)
                return None
            session.last_seen, session.used = now, True
            return session

    def from_address(self, address: str) -> bool:
        """Is someone logged in from this address (a live session begun there)?"""
        now = self.clock()
        with self.lock:
            return any(s.address == address and not self._expired(s, now) for s in self.sessions.values())

    def end(self, session_id: str | None) -> None:
        with self.lock:
            self.sessions.pop(session_id or "", None)

    def end_all_of(self, user: str) -> None:
        with self.lock:
            for key in [k for k, s in self.sessions.items() if s.user == user]:
                del self.sessions[key]

    def _expired(self, session: Session, now: float) -> bool:
        return now - session.last_seen > IDLE_SECONDS or now - session.started > LONGEST_SECONDS

    def _forget_expired(self, now: float) -> None:
        for key in [k for k, s in self.sessions.items() if self._expired(s, now)]:
            del self.sessions[key]


def client_of(address: str) -> str:
    """Whom the login brake counts an address as: an IPv6 address by its /64 network, which one
    computer has whole (a guesser took a new address of it for each guess, and was never braked); an
    IPv4 address written as IPv6 (::ffff:10.0.0.9) as itself."""
    try:
        parsed = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return address
    if parsed.version == 6 and parsed.ipv4_mapped is not None:
        return str(parsed.ipv4_mapped)
    if parsed.version == 6 and not parsed.is_loopback:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def token_matches(session: Session | None, given: str | None) -> bool:
    return session is not None and given is not None and hmac.compare_digest(session.token.encode(), given.encode())


@dataclass
class LoginThrottle:
    """Counts wrong passwords by key (the desk's: an account name from one address, an address, and an
    account from all addresses, ACCOUNT_PREFIX): after FREE_FAILURES, each further try waits FIRST_WAIT
    seconds, doubling (an account's: the ACCOUNT_ numbers); a right password clears the counts it names. The table stays small: a
    count is forgotten a day after its wait ended, and past MOST_RECORDS the least recently failed goes
    (one record per name ever tried was kept for as long as the desk ran)."""
    clock: Callable[[], float] = time.monotonic
    failures: dict[str, tuple[int, float]] = field(default_factory=dict)   # key -> (count, blocked until), by last failure
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_seconds(self, *keys: str) -> float:
        """How long these keys must wait before the next try (0: try now)."""
        now = self.clock()
        with self.lock:
            return max([0.0] + [self.failures.get(k, (0, 0.0))[1] - now for k in keys])

    def failed(self, *keys: str) -> None:
        now = self.clock()
        with self.lock:
            for key in keys:
                count = self.failures.pop(key, (0, 0.0))[0] + 1   # (put back last: the table is in order of failure)
                free, first, longest = ((ACCOUNT_FREE_FAILURES, ACCOUNT_FIRST_WAIT, ACCOUNT_LONGEST_WAIT)
                                        if key.startswith(ACCOUNT_PREFIX) else (FREE_FAILURES, FIRST_WAIT, LONGEST_WAIT))
                wait = first * 2 ** (count - free) if count >= free else 0.0
                self.failures[key] = (count, now + min(wait, longest))
            self._forget_old(now)

    def succeeded(self, *keys: str) -> None:
        with self.lock:
            for key in keys:
                self.failures.pop(key, None)

    def _forget_old(self, now: float) -> None:
        """From the least recently failed: past MOST_RECORDS, or whose wait ended FORGET_AFTER ago (it
        stops at the first count still remembered; the next failure goes on)."""
        while self.failures:
            oldest = next(iter(self.failures))
            if len(self.failures) <= MOST_RECORDS and now - self.failures[oldest][1] < FORGET_AFTER:
                return
            del self.failures[oldest]
