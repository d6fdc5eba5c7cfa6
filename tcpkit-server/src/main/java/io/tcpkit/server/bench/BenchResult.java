package io.tcpkit.server.bench;

import org.HdrHistogram.Histogram;

import java.util.Locale;

/**
 * The figures of one run, printed for people or as JSON for scripts. In pub/sub runs
 * {@code connections} are the subscribers and {@code publishers} publish, one message in flight
 * each, and {@code publishedPerPublisher} counts each one's answered PUBLISHes, fewest first (a
 * server that serves some publishers far more often than others shows it there, and in the
 * latency of the others' messages); other runs have no publishers.
 */
record BenchResult(String target, String mode, int connections, int size, int inFlight, int publishers, double rate,
                   double seconds, long replies, long bytes, long errors, String firstError,
                   Histogram latency, Double serverCpuSeconds, Long serverRssBytes, Long idleRssBytesPerConnection,
                   Long idleHeapBytesPerConnection, long[] publishedPerPublisher) {

    double repliesPerSecond() {
        return replies / seconds;
    }

    double megabytesPerSecond() {
        return bytes / seconds / 1e6;
    }

    /** Server CPU microseconds per reply, if the server's pid was given. */
    Double serverMicrosPerReply() {
        return serverCpuSeconds == null || replies == 0 ? null : serverCpuSeconds * 1e6 / replies;
    }

    private double ms(double percentile) {
        return latency.getValueAtPercentile(percentile) / 1e6;
    }

    String text() {
        StringBuilder sb = new StringBuilder();
        if (mode.equals("pubsub")) {
            sb.append(String.format(Locale.ROOT, "tcpkit bench %s  mode=pubsub subscribers=%d publishers=%d size=%d duration=%.1fs%n",
                    target, connections, publishers, size, seconds));
        } else {
            sb.append(String.format(Locale.ROOT, "tcpkit bench %s  mode=%s connections=%d size=%d in-flight=%d%s duration=%.1fs%n",
                    target, mode, connections, size, inFlight,
                    rate > 0 ? String.format(Locale.ROOT, " rate=%.0f/s", rate) : "", seconds));
        }
        if (mode.equals("pubsub")) {
            sb.append(String.format(Locale.ROOT, "subscribers %,d, publishers %,d (closed loop)%n", connections, publishers));
            sb.append(String.format(Locale.ROOT, "delivered   %,d messages  (%,.0f/s)%n", replies, repliesPerSecond()));
            sb.append(String.format(Locale.ROOT, "latency ms  p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f (publish to delivery)%n",
                    ms(50), ms(90), ms(99), ms(99.9), latency.getMaxValue() / 1e6));
            if (publishedPerPublisher.length > 0) {
                long[] p = publishSpread();
                sb.append(String.format(Locale.ROOT, "publishes   per publisher: fewest %,d, median %,d, most %,d%n", p[0], p[1], p[2]));
            }
        } else if (mode.startsWith("idle")) {
            sb.append(String.format(Locale.ROOT, "held        %,d idle connections%s%n", connections, switch (mode) {
                case "idle-command" -> " (each answered PING before and after)";
                case "idle-subscriber" -> " (each SUBSCRIBEd before, answered PING after)";
                case "idle-chat" -> " (each joined the chat's lobby)";
                default -> size > 0 ? String.format(Locale.ROOT, " (each echoed %d bytes before and after)", size) : "";
            }));
        } else {
            sb.append(String.format(Locale.ROOT, "replies     %,d  (%,.0f/s)%n", replies, repliesPerSecond()));
            sb.append(String.format(Locale.ROOT, "throughput  %.2f MB/s of replies%n", megabytesPerSecond()));
            sb.append(String.format(Locale.ROOT, "latency ms  p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f%n",
                    ms(50), ms(90), ms(99), ms(99.9), latency.getMaxValue() / 1e6));
        }
        if (serverMicrosPerReply() != null) {
            sb.append(String.format(Locale.ROOT, "server CPU  %.2f s, %.2f us per reply%n", serverCpuSeconds, serverMicrosPerReply()));
        }
        if (serverRssBytes != null) {
            sb.append(String.format(Locale.ROOT, "server RSS  %,d KiB%s%n", serverRssBytes / 1024,
                    idleRssBytesPerConnection == null ? ""
                            : String.format(Locale.ROOT, ", %.2f KiB per idle connection", idleRssBytesPerConnection / 1024.0)));
        }
        if (idleHeapBytesPerConnection != null) {
            sb.append(String.format(Locale.ROOT, "server heap %.2f KiB live per idle connection (after a full GC)%n",
                    idleHeapBytesPerConnection / 1024.0));
        }
        sb.append("errors      ").append(errors).append(firstError == null ? "" : " (first: " + firstError + ")").append('\n');
        return sb.toString();
    }

    String json() {
        return String.format(Locale.ROOT, "{\"target\":\"%s\",\"mode\":\"%s\",\"connections\":%d,\"size\":%d,\"inFlight\":%d,\"publishers\":%d,"
                        + "\"rate\":%.1f,\"seconds\":%.3f,\"replies\":%d,\"repliesPerSecond\":%.1f,\"megabytesPerSecond\":%.3f,"
                        + "\"latencyMs\":{\"p50\":%.4f,\"p90\":%.4f,\"p99\":%.4f,\"p999\":%.4f,\"max\":%.4f},"
                        + "\"errors\":%d,\"serverCpuSeconds\":%s,\"serverMicrosPerReply\":%s,\"serverRssBytes\":%s,"
                        + "\"idleRssBytesPerConnection\":%s,\"idleHeapBytesPerConnection\":%s,\"publishesPerPublisher\":%s}",
                target, mode, connections, size, inFlight, publishers, rate, seconds, replies, repliesPerSecond(), megabytesPerSecond(),
                ms(50), ms(90), ms(99), ms(99.9), latency.getMaxValue() / 1e6, errors,
                json(serverCpuSeconds), json(serverMicrosPerReply()), serverRssBytes == null ? "null" : serverRssBytes.toString(),
                idleRssBytesPerConnection == null ? "null" : idleRssBytesPerConnection.toString(),
                idleHeapBytesPerConnection == null ? "null" : idleHeapBytesPerConnection.toString(),
                publishSpreadJson());
    }

    /** The fewest, median and most PUBLISHes answered per publisher (the array is sorted). */
    private long[] publishSpread() {
        long[] p = publishedPerPublisher;
        return new long[] {p[0], p[p.length / 2], p[p.length - 1]};
    }

    private String publishSpreadJson() {
        if (publishedPerPublisher.length == 0) {
            return "null";
        }
        long[] p = publishSpread();
        return String.format(Locale.ROOT, "{\"min\":%d,\"median\":%d,\"max\":%d}", p[0], p[1], p[2]);
    }

    private static String json(Double d) {
        return d == null ? "null" : String.format(Locale.ROOT, "%.4f", d);
    }
}
