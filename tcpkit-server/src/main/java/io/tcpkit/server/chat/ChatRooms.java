package io.tcpkit.server.chat;

import io.tcpkit.server.hub.Channel;
import io.tcpkit.server.hub.Hub;
import io.tcpkit.server.hub.Message;
import io.tcpkit.server.hub.Presence;

import java.util.List;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who is in the chat: names (unique, ignoring case, held in the hub) and rooms (created on first
 * join, gone when the last person leaves). Joining and leaving subscribe the member to the room in the hub, so
 * people and programs share the same rooms. Thread-safe.
 */
final class ChatRooms {
    static final String LOBBY = "lobby";

    private final Hub hub;
    private final ConcurrentHashMap<String, ChatRoom> rooms = new ConcurrentHashMap<>();

    ChatRooms(Hub hub) {
        this.hub = hub;
    }

    Hub hub() {
        return hub;
    }

    /** Takes a name for a member (in the hub, where programs that speak are checked against it); false if taken. */
    boolean claim(String name, ChatMember member) {
        return hub.claimName(name, member);
    }

    void release(String name, ChatMember member) {
        hub.releaseName(name, member);
    }

    /** The member with that name (ignoring ASCII case), if one is in the chat. */
    Optional<ChatMember> find(String name) {
        return hub.nameHolder(name) instanceof ChatMember m ? Optional.of(m) : Optional.empty();
    }

    /**
     * Puts a member in a room: they get the presence line (everyone else there), the others get
     * a notice, and from then on the member receives what is said there. The membership is
     * charged to the client memory budget first (as a command connection's subscription is);
     * false if the budget evicted the member instead (their connection is closing, and they are
     * in no room).
     */
    boolean join(ChatMember member, String roomName) {
        if (!member.connection().accountMemory(membershipCost(roomName))) {
            return false;
        }
        while (true) {
            ChatRoom room = rooms.computeIfAbsent(roomName, ChatRoom::new);
            boolean joined = room.join(member, others -> {
                List<String> everywhere = names(room.channel());
                member.tell("* The room " + roomName + " contains: " + String.join(", ", everywhere == null ? others : everywhere));
                // Subscribed after the presence line is queued (nothing overtakes it) and before
                // anyone is told, so whatever they say once they know reaches the newcomer.
                hub.subscribe(room.channel(), member);
                hub.publish(Message.notice(room.channel(), member.name() + " has entered the room"), member);
                member.room(room);
            });
            if (joined) {
                return true;
            }
            rooms.remove(roomName, room); // closed while we looked it up; make a new one
        }
    }

    /** Takes a member out of their room, telling the others. */
    void leave(ChatMember member) {
        leave(member, true);
    }

    /** Takes a member out of their room, telling the others if {@code announce}. */
    void leave(ChatMember member, boolean announce) {
        ChatRoom room = member.room();
        if (room == null) {
            return;
        }
        boolean empty = room.leave(member, () -> {
            hub.unsubscribe(room.channel(), member);
            Message left = Message.notice(room.channel(), member.name() + " has left the room");
            if (announce) {
                hub.publish(left, member);
            } else if (hub.presence() != null) {
                hub.presence().publishElsewhere(left); // this instance is shutting down; the others are told
            }
        });
        member.room(null);
        member.connection().accountMemory(-membershipCost(room.name()));
        if (empty) {
            rooms.remove(room.name(), room);
        }
    }

    /** What a membership holds, counted in the client memory budget: the room's name and the member's slots. */
    static long membershipCost(String roomName) {
        return ChatMember.MEMBERSHIP_OVERHEAD_BYTES + roomName.length();
    }

    /**
     * The people in a room on every instance sharing the hub, or null if only this instance's are
     * known (an in-process hub, or Redis unreachable).
     */
    List<String> names(Channel room) {
        Presence presence = hub.presence();
        return presence == null ? null : presence.names(room);
    }

    /** The people in a member's room: on every instance if that can be known, else here. */
    List<String> who(ChatRoom room) {
        List<String> everywhere = names(room.channel());
        return everywhere == null ? room.names() : everywhere;
    }

    /** Rooms with people on every instance, by name, or on this one if that is all that can be known. */
    Map<String, Integer> allRoomSizes() {
        Presence presence = hub.presence();
        Map<String, Integer> everywhere = presence == null ? null : presence.roomSizes();
        return everywhere == null ? roomSizes() : everywhere;
    }

    /** Rooms with people on this instance, and how many are in each, by name. */
    Map<String, Integer> roomSizes() {
        Map<String, Integer> sizes = new TreeMap<>();
        rooms.forEach((name, room) -> {
            int n = room.size();
            if (n > 0) {
                sizes.put(name, n);
            }
        });
        return sizes;
    }
}
