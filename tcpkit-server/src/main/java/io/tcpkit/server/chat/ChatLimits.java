package io.tcpkit.server.chat;

/**
 * How much one person may say, as IRC servers limit it: lines and bytes per second, each with a
 * burst a quiet person may send at once. Past it the sender is told once and slowed down (the
 * server stops reading from them until they are within it again); readers are never cut off for
 * someone else's flood.
 *
 * @param linesPerSecond lines (messages and commands) per second, over time
 * @param bytesPerSecond bytes per second, over time
 * @param burstSeconds   how many seconds' worth of each a quiet person may send at once
 */
public record ChatLimits(int linesPerSecond, int bytesPerSecond, int burstSeconds) {
    public static final int DEFAULT_LINES_PER_SECOND = 5;
    public static final int DEFAULT_BYTES_PER_SECOND = 8192;
    public static final int DEFAULT_BURST_SECONDS = 4;
    /** 5 lines and 8 KiB a second; a burst of 20 lines and 32 KiB. */
    public static final ChatLimits DEFAULT =
            new ChatLimits(DEFAULT_LINES_PER_SECOND, DEFAULT_BYTES_PER_SECOND, DEFAULT_BURST_SECONDS);

    public ChatLimits {
        if (linesPerSecond <= 0 || bytesPerSecond <= 0 || burstSeconds <= 0) {
            throw new IllegalArgumentException("chat rate limits must be positive, got " + linesPerSecond
                    + " lines/s, " + bytesPerSecond + " bytes/s, burst " + burstSeconds + " s");
        }
    }
}
