package io.tcpkit.server.chat;

import io.tcpkit.server.hub.Channel;

import java.util.ArrayList;
import java.util.List;

/**
 * The people in one room. Joins and leaves are serialised by the room's monitor, so that the
 * presence line a newcomer gets and the notices others get always agree. Delivery of messages
 * goes through the hub, not through here.
 */
final class ChatRoom {
    private final String name;
    private final Channel channel;
    // In joining order, for the presence line; an array list costs a reference per member where a
    // LinkedHashSet costs some 40 bytes, and rooms are joined far less often than they are spoken in.
    private final List<ChatMember> members = new ArrayList<>();
    /** Set when the room emptied and left the room map; a joiner that finds it so retries. */
    private boolean closed;

    ChatRoom(String name) {
        this.name = name;
        this.channel = Channel.of(name);
    }

    String name() {
        return name;
    }

    /** The room in the hub: its pub/sub channel. */
    Channel channel() {
        return channel;
    }

    /** Adds a member and runs {@code announce} with the others, atomically; false if the room closed. */
    synchronized boolean join(ChatMember member, java.util.function.Consumer<List<String>> announce) {
        if (closed) {
            return false;
        }
        List<String> others = new ArrayList<>();
        for (ChatMember m : members) {
            others.add(m.name());
        }
        announce.accept(others);
        if (!members.contains(member)) {
            members.add(member);
        }
        return true;
    }

    /** Removes a member and runs {@code announce}; returns whether the room is now empty (and closed). */
    synchronized boolean leave(ChatMember member, Runnable announce) {
        if (!members.remove(member)) {
            return members.isEmpty();
        }
        announce.run();
        if (members.isEmpty()) {
            closed = true;
        }
        return closed;
    }

    synchronized List<String> names() {
        return members.stream().map(ChatMember::name).toList();
    }

    synchronized int size() {
        return members.size();
    }
}
