package io.tcpkit.server.cli;

import io.tcpkit.server.chat.ChatLimits;
import picocli.CommandLine.Option;

/** Options of the chat: how much one person may say. */
final class ChatOptions {
    @Option(names = "--chat-lines-per-second", converter = Bounded.AtLeastOne.class, defaultValue = "" + ChatLimits.DEFAULT_LINES_PER_SECOND,
            description = "Lines one chat user may send per second, over time (default: ${DEFAULT-VALUE}).")
    int linesPerSecond;

    @Option(names = "--chat-bytes-per-second", converter = Bounded.AtLeastOne.class, defaultValue = "" + ChatLimits.DEFAULT_BYTES_PER_SECOND,
            description = "Bytes one chat user may send per second, over time (default: ${DEFAULT-VALUE}).")
    int bytesPerSecond;

    @Option(names = "--chat-burst-seconds", converter = Bounded.AtLeastOne.class, defaultValue = "" + ChatLimits.DEFAULT_BURST_SECONDS,
            description = "Seconds' worth of lines and bytes a quiet chat user may send at once; past the limits "
                    + "the user is told and slowed down (default: ${DEFAULT-VALUE}).")
    int burstSeconds;

    /** The limits (each option is 1 or more, checked as it is read). */
    ChatLimits limits() {
        return new ChatLimits(linesPerSecond, bytesPerSecond, burstSeconds);
    }
}
