package io.tcpkit.server.chat;

import io.tcpkit.Connection;

/**
 * One person's allowance ({@link ChatLimits}), as IRC servers keep it: two token buckets, lines
 * and bytes, filled at their rates up to their bursts. A line is always taken whole and may put
 * the buckets in debt (so a line longer than the byte burst is allowed, then paid for). In debt,
 * the person is told once and the server stops reading from them until the debt is repaid: their
 * own socket fills and they are slowed down, while everyone else reads at their own pace. Owned by
 * the person's own thread.
 */
final class FloodControl {
    /** Longest single wait, so that a close or a shutdown is noticed while a flooder is held. */
    private static final long STEP_NANOS = 100_000_000;

    private final ChatLimits limits;
    private final double lineRate;
    private final double byteRate;
    private final double lineBurst;
    private final double byteBurst;
    private double lines;
    private double bytes;
    private long lastNanos;
    private boolean told;

    FloodControl(ChatLimits limits, long nowNanos) {
        this.limits = limits;
        this.lineRate = limits.linesPerSecond() / 1e9;
        this.byteRate = limits.bytesPerSecond() / 1e9;
        this.lineBurst = (double) limits.linesPerSecond() * limits.burstSeconds();
        this.byteBurst = (double) limits.bytesPerSecond() * limits.burstSeconds();
        this.lines = lineBurst;
        this.bytes = byteBurst;
        this.lastNanos = nowNanos;
    }

    /** Takes one line of {@code n} bytes; returns how long (nanoseconds) to wait before reading on. */
    long spend(int n, long nowNanos) {
        long elapsed = Math.max(0, nowNanos - lastNanos);
        lastNanos = nowNanos;
        lines = Math.min(lineBurst, lines + elapsed * lineRate) - 1;
        bytes = Math.min(byteBurst, bytes + elapsed * byteRate) - n;
        double wait = Math.max(lines < 0 ? -lines / lineRate : 0, bytes < 0 ? -bytes / byteRate : 0);
        return (long) Math.ceil(wait);
    }

    /**
     * Counts a line {@code me} sent ({@code n} bytes) and, past the allowance, tells them (once
     * until they are within it again) and waits before their next line is read.
     */
    void sent(ChatMember me, Connection conn, int n) throws InterruptedException {
        long wait = spend(n, System.nanoTime());
        if (wait == 0) {
            told = false;
            return;
        }
        if (!told) {
            told = true;
            me.tell("* you are sending too fast (more than " + limits.linesPerSecond() + " lines or "
                    + limits.bytesPerSecond() + " bytes a second): slowing you down");
        }
        long until = System.nanoTime() + wait;
        for (long left = wait; left > 0 && conn.isOpen() && !conn.isDraining(); left = until - System.nanoTime()) {
            Thread.sleep(Math.max(1, Math.min(left, STEP_NANOS) / 1_000_000));
        }
    }
}
