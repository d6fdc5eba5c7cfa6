package io.tcpkit.server.session;

import io.tcpkit.Connection;

import java.lang.reflect.Proxy;

/** Sessions for tests of this package, on a stand-in Connection that knows only its id. */
final class TestSessions {
    private TestSessions() {
    }

    static Session of(long id) {
        Connection conn = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "id" -> id;
                    case "toString" -> "conn-" + id;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        return new Session(conn, null);
    }
}
