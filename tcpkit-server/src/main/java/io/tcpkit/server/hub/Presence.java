package io.tcpkit.server.hub;

import java.util.List;
import java.util.Map;

/**
 * Who is in which room on every instance that shares a hub (see {@link RedisHub}), for the chat's
 * presence line, {@code /who} and {@code /rooms}. A hub that knows only this process has none
 * ({@link Hub#presence()} is null) and the chat counts its own members.
 */
public interface Presence {

    /** The names of the people in a room, on every instance, sorted; null when that cannot be known now. */
    List<String> names(Channel room);

    /** Rooms with people and how many are in each, on every instance, by name; null when unknown now. */
    Map<String, Integer> roomSizes();

    /**
     * Tells the other instances only (this one's members are leaving silently: it is shutting
     * down, and its own members are told that once instead of once per person).
     */
    void publishElsewhere(Message message);
}
