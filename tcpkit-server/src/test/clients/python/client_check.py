"""redis-py at its default settings (RESP3 since 8.0) against a running tcpkit serve.

Usage: client_check.py HOST COMMAND_PORT CHAT_PORT           (a server without a users file)
       client_check.py HOST COMMAND_PORT CHAT_PORT USER PASSWORD  (one with a users file: the AUTH checks)
Prints "ok <check>" for each check that passed; a failed check raises and exits non-zero.
"""
import socket
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import redis
import redis.backoff
import redis.retry

host, port, chat_port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
user, password = (sys.argv[4], sys.argv[5]) if len(sys.argv) > 5 else (None, None)
TIMEOUT = 10


def ok(check):
    print("ok " + check, flush=True)


def text(v):
    """redis-py gives some replies as str and others as bytes, depending on the command."""
    return v.decode() if isinstance(v, bytes) else v


def client(**kw):
    return redis.Redis(host=host, port=port, username=user, password=password, socket_timeout=TIMEOUT, **kw)


def message(p, kind):
    """The next pub/sub message of that kind (subscribe confirmations are read as messages too)."""
    for _ in range(50):
        m = p.get_message(timeout=TIMEOUT)
        if m is not None and m["type"] == kind:
            return m
    raise AssertionError("no " + kind + " message")


def auth_checks():
    r = client()
    assert r.ping() is True and text(r.acl_whoami()) == user
    ps = r.pubsub()
    ps.subscribe("news")
    assert message(ps, "subscribe")["channel"] == b"news"
    assert client().publish("news", "hi") == 1
    assert message(ps, "message")["data"] == b"hi"
    ps.close()
    # redis-py takes AuthenticationError for a connection error and retries it 11 times by default;
    # tcpkit slows down repeated failed logins from one address (up to 10 s each), so with the
    # default retries a wrong password ends in a timeout after about 45 s. Refusal, not the retry
    # policy, is what this checks: no retries here.
    try:
        redis.Redis(host=host, port=port, username=user, password="wrong", socket_timeout=TIMEOUT,
                    retry=redis.retry.Retry(redis.backoff.NoBackoff(), 0)).ping()
        raise AssertionError("a wrong password was accepted")
    except redis.AuthenticationError:
        pass
    try:
        redis.Redis(host=host, port=port, socket_timeout=TIMEOUT).echo("x")
        raise AssertionError("a client that did not log in ran ECHO")
    except redis.AuthenticationError:
        pass
    print("ok auth users file", flush=True)
    print("done", flush=True)
    sys.exit(0)


if user is not None:
    auth_checks()

r = client()
assert r.ping() is True
conn = r.connection_pool.get_connection()
assert conn.protocol in (3, "3"), "redis-py's default is RESP3, got %r" % conn.protocol
r.connection_pool.release(conn)
ok("ping resp3")
assert r.echo("hello") == b"hello"
assert r.echo(b"\xff\x00bytes") == b"\xff\x00bytes"
ok("echo")

# A pipeline without MULTI (tcpkit has no transactions): 1,000 commands in one round trip.
p = r.pipeline(transaction=False)
for i in range(1000):
    p.echo("m%d" % i)
assert p.execute() == [b"m%d" % i for i in range(1000)]
ok("pipeline 1000")

pool = redis.ConnectionPool(host=host, port=port, max_connections=32,
                            socket_timeout=TIMEOUT)
shared = redis.Redis(connection_pool=pool)
barrier = threading.Barrier(32)


def worker(n):
    # Each thread holds a connection at the barrier, so the pool must open 32 at once (a thread
    # that gave its connection back before another asked would let the pool reuse it).
    held = pool.get_connection()
    barrier.wait(TIMEOUT)
    pool.release(held)
    return [shared.echo("t%d-%d" % (n, i)) for i in range(50)]


with ThreadPoolExecutor(32) as ex:
    results = list(ex.map(worker, range(32)))
assert results == [[b"t%d-%d" % (n, i) for i in range(50)] for n in range(32)]
assert pool._created_connections == 32, pool._created_connections
pool.disconnect()
ok("pool 32")

assert r.client_setname("py-app") is True
assert text(r.client_getname()) == "py-app"
my_id = r.client_id()
assert isinstance(my_id, int) and my_id > 0
mine = [c for c in r.client_list() if int(c["id"]) == my_id]
assert len(mine) == 1 and mine[0]["name"] == "py-app" and mine[0]["resp"] == "3", mine
assert int(r.client_info()["id"]) == my_id
ok("client setname getname id list")

sub = client()
ps = sub.pubsub()
ps.subscribe("news")
assert message(ps, "subscribe")["channel"] == b"news"
ps.psubscribe("n*")
assert message(ps, "psubscribe")["channel"] == b"n*"
assert r.publish("news", "hi") == 2
m = message(ps, "message")
assert (m["channel"], m["data"]) == (b"news", b"hi"), m
m = message(ps, "pmessage")
assert (m["pattern"], m["channel"], m["data"]) == (b"n*", b"news", b"hi"), m
assert r.pubsub_numsub("news") == [(b"news", 1)]
assert b"news" in r.pubsub_channels()
assert r.pubsub_numpat() == 1
# RESP3: a subscribed connection may run any command.
assert ps.connection.protocol in (3, "3")
ps.close()
ok("subscribe psubscribe publish pubsub")

victim = client()
first = victim.client_id()
assert r.client_kill_filter(_id=first) == 1
second = victim.client_id()  # redis-py reconnects (its default retry) and logs in again
assert second != first and victim.ping() is True
ok("reconnect after client kill")

# The chat bridge: a person's line reaches a subscriber; a PUBLISH reaches the person.
chat = socket.create_connection((host, chat_port), timeout=TIMEOUT)
lines = chat.makefile("rb")
assert lines.readline().startswith(b"Welcome")
chat.sendall(b"carol\n")
assert lines.readline().startswith(b"* The room lobby contains")
listener = client().pubsub()
listener.subscribe("lobby")
message(listener, "subscribe")
chat.sendall(b"hello from chat\n")
m = message(listener, "message")
assert (m["channel"], m["data"]) == (b"lobby", b"[carol] hello from chat"), m
ok("chat line reaches subscriber")
publisher = client()
publisher.client_setname("pyapp")  # people see a program by its name
assert publisher.publish("lobby", "hello from python") == 2
assert lines.readline() == b"[pyapp] hello from python\n"
ok("publish reaches chat")
listener.close()
chat.close()
print("done", flush=True)
