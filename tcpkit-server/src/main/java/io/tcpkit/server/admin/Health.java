package io.tcpkit.server.admin;

import com.sun.net.httpserver.HttpExchange;
import io.tcpkit.server.ReadinessCheck;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code /livez} (the process answers: 200) and {@code /readyz} (200 when every
 * {@link ReadinessCheck} is satisfied, 503 with the reasons otherwise: starting, draining, a hub
 * that cannot reach its peers). Plain text, one line per check, as Kubernetes' own endpoints.
 */
final class Health {
    private final Monitoring monitoring;

    Health(Monitoring monitoring) {
        this.monitoring = monitoring;
    }

    void livez(HttpExchange exchange) throws IOException {
        Http.text(exchange, 200, "ok\n");
    }

    void readyz(HttpExchange exchange) throws IOException {
        StringBuilder body = new StringBuilder();
        boolean ready = true;
        for (ReadinessCheck check : monitoring.readinessChecks()) {
            String reason = reason(check);
            ready &= reason == null;
            body.append(reason == null ? "[+] " + check.name() + " ok\n" : "[-] " + check.name() + ": " + reason + "\n");
        }
        Http.text(exchange, ready ? 200 : 503, (ready ? "ready\n" : "not ready\n") + body);
    }

    /** The checks that fail, as "name: reason". */
    List<String> notReady() {
        List<String> failing = new ArrayList<>();
        for (ReadinessCheck check : monitoring.readinessChecks()) {
            String reason = reason(check);
            if (reason != null) {
                failing.add(check.name() + ": " + reason);
            }
        }
        return failing;
    }

    /** A check that fails to answer counts as not ready. */
    private static String reason(ReadinessCheck check) {
        try {
            return check.notReadyReason();
        } catch (RuntimeException e) {
            return "check failed: " + e;
        }
    }
}
