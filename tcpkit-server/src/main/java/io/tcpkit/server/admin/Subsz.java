package io.tcpkit.server.admin;

import io.tcpkit.server.hub.Channel;
import io.tcpkit.server.hub.Hub;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * {@code /subsz}: the rooms and channels with subscribers (people in chat rooms and programs'
 * subscriptions, which share rooms), the chat members in each, and the pattern subscriptions in
 * force. Busiest rooms first; {@code ?limit=} (at most {@link Connz#MAX_LIMIT}) and {@code ?offset=}.
 */
final class Subsz {
    private record Room(String name, int subscribers, int chatMembers) {
    }

    private final Monitoring monitoring;

    Subsz(Monitoring monitoring) {
        this.monitoring = monitoring;
    }

    Http.JsonBody query(Map<String, String> query) throws Http.BadRequest {
        int limit = (int) Http.number(query, "limit", Connz.DEFAULT_LIMIT, 0, Connz.MAX_LIMIT);
        int offset = (int) Http.number(query, "offset", 0, 0, Integer.MAX_VALUE);
        Hub hub = monitoring.hub();
        List<Room> rooms = new ArrayList<>();
        if (hub != null) {
            Map<String, Integer> chat = monitoring.chatRoomSizes();
            for (Channel channel : hub.rooms(null)) {
                // Channel names are bytes; the page shows them as text (not UTF-8: U+FFFD).
                String name = channel.text();
                rooms.add(new Room(name, hub.subscribers(channel), chat.getOrDefault(name, 0)));
            }
        }
        rooms.sort(Comparator.comparingInt(Room::subscribers).reversed().thenComparing(Room::name));
        List<Room> page = rooms.subList(Math.min(offset, rooms.size()), (int) Math.min(offset + (long) limit, rooms.size()));
        int patterns = hub == null ? 0 : hub.patterns();
        return json -> {
            json.writeStartObject();
            json.writeNumberField("total", rooms.size());
            json.writeNumberField("offset", offset);
            json.writeNumberField("limit", limit);
            json.writeNumberField("count", page.size());
            json.writeNumberField("patterns", patterns);
            json.writeArrayFieldStart("rooms");
            for (Room room : page) {
                json.writeStartObject();
                json.writeStringField("name", room.name());
                json.writeNumberField("subscribers", room.subscribers());
                json.writeNumberField("chat_members", room.chatMembers());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        };
    }
}
