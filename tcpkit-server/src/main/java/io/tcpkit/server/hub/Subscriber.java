package io.tcpkit.server.hub;

/** A receiver of room messages: a person in a chat room or a program's subscription. */
public interface Subscriber {
    /**
     * Hands over a message without blocking (queue it; never write here).
     *
     * @param pattern the pattern it matched, or null for a direct subscription to the room
     * @return whether it was accepted (false: the receiver is gone or too slow)
     */
    boolean deliver(Message message, Glob pattern);
}
