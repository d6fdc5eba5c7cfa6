package io.tcpkit.server.command;

import io.tcpkit.server.auth.User;
import io.tcpkit.server.hub.Channel;
import io.tcpkit.server.hub.Glob;
import io.tcpkit.server.hub.Hub;
import io.tcpkit.server.hub.Message;
import io.tcpkit.server.hub.Names;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH and PUBSUB over the {@link Hub}, with
 * Redis's reply shapes: in RESP3 confirmations and messages are push frames ({@code >3}). Rooms are the chat's rooms: {@code SUBSCRIBE lobby} follows the
 * chat's lobby, {@code PUBLISH lobby hi} speaks in it.
 */
final class PubSubCommands {
    /** What RESP2 allows while subscribed (RESP3 allows everything). */
    static final Set<String> ALLOWED_WHILE_SUBSCRIBED =
            Set.of("SUBSCRIBE", "UNSUBSCRIBE", "PSUBSCRIBE", "PUNSUBSCRIBE", "PING", "QUIT", "RESET");

    private PubSubCommands() {
    }

    static List<Command> all() {
        return List.of(
                new Command("SUBSCRIBE", -2, false, "room [room ...]", "Receive what is said in rooms.", "pubsub",
                        ctx -> subscribe(ctx, false)),
                new Command("PSUBSCRIBE", -2, false, "pattern [pattern ...]",
                        "Receive what is said in rooms matching glob patterns.", "pubsub", ctx -> subscribe(ctx, true)),
                new Command("UNSUBSCRIBE", -1, false, "[room ...]", "Stop receiving from rooms (all by default).",
                        "pubsub", ctx -> unsubscribe(ctx, false)),
                new Command("PUNSUBSCRIBE", -1, false, "[pattern ...]", "Stop pattern subscriptions (all by default).",
                        "pubsub", ctx -> unsubscribe(ctx, true)),
                new Command("PUBLISH", 3, false, "room message", "Say something in a room; replies how many received it.",
                        "pubsub", PubSubCommands::publish),
                new Command("PUBSUB", -2, false, "CHANNELS [pattern] | NUMSUB [room ...] | NUMPAT",
                        "Inspect rooms and subscriptions.", "pubsub", PubSubCommands::pubsub));
    }

    private static void subscribe(CommandContext ctx, boolean patterns) throws IOException {
        if (!namesFit(ctx, 1, ctx.argc(), patterns)) {
            return;
        }
        PubSubClient client = ctx.pubsub();
        String kind = patterns ? "psubscribe" : "subscribe";
        for (int i = 1; i < ctx.argc(); i++) {
            // The confirmation is written before the subscription is in force, so the connection's
            // ordered output puts every message the subscription brings after it. Thousands of
            // names are fine: the replies go out as the buffer fills (they are not messages from
            // others, which the slow-consumer limit counts).
            if (patterns) {
                Glob pattern = Glob.of(ctx.request.bytes(i));
                boolean more = !client.hasPattern(pattern);
                if (more && !room(ctx, client)) {
                    return;
                }
                confirm(ctx, kind, pattern.bytes(), client.count() + (more ? 1 : 0));
                if (!client.psubscribe(pattern)) {
                    return; // evicted to keep the server inside its memory budget: closing
                }
            } else {
                Channel room = ctx.service.hub().shared(channel(ctx, i));
                boolean more = !client.rooms.contains(room);
                if (more && !room(ctx, client)) {
                    return;
                }
                confirm(ctx, kind, room.bytes(), client.count() + (more ? 1 : 0));
                if (!client.subscribe(room)) {
                    return;
                }
            }
        }
    }

    /** Whether one more subscription is allowed; if not, says so (the names after it are not subscribed). */
    private static boolean room(CommandContext ctx, PubSubClient client) throws IOException {
        int max = ctx.service.maxSubscriptions();
        if (client.count() < max) {
            return true;
        }
        ctx.reply.error("ERR max subscriptions per connection (" + max + ") reached");
        return false;
    }

    private static void unsubscribe(CommandContext ctx, boolean patterns) throws IOException {
        PubSubClient client = ctx.pubsub();
        String kind = patterns ? "punsubscribe" : "unsubscribe";
        List<byte[]> names = new ArrayList<>();
        for (int i = 1; i < ctx.argc(); i++) {
            names.add(ctx.request.bytes(i));
        }
        if (names.isEmpty()) {
            if (patterns) {
                client.patterns().forEach(p -> names.add(p.bytes()));
            } else {
                client.rooms.forEach(r -> names.add(r.bytes()));
            }
            if (names.isEmpty()) {
                ctx.reply.pushHeader(3);
                ctx.reply.bulk(kind);
                ctx.reply.nullBulk();
                ctx.reply.integer(client.count());
                return;
            }
        }
        for (byte[] name : names) {
            if (patterns) {
                client.punsubscribe(Glob.of(name));
            } else {
                client.unsubscribe(Channel.of(name));
            }
            confirm(ctx, kind, name, client.count());
        }
    }

    private static void confirm(CommandContext ctx, String kind, byte[] name, int count) throws IOException {
        ctx.reply.pushHeader(3);
        ctx.reply.bulk(kind);
        ctx.reply.bulk(name);
        ctx.reply.integer(count);
    }

    /**
     * Whether the names in arguments {@code from} to {@code to} (exclusive) are within the length
     * limits (channels {@link Channel#MAX_BYTES}, patterns {@link Glob#MAX_PATTERN_BYTES}); if not,
     * writes an error, and the command does nothing.
     */
    private static boolean namesFit(CommandContext ctx, int from, int to, boolean patterns) throws IOException {
        int max = patterns ? Glob.MAX_PATTERN_BYTES : Channel.MAX_BYTES;
        for (int i = from; i < to; i++) {
            if (ctx.request.length(i) > max) {
                ctx.reply.error("ERR " + (patterns ? "pattern" : "channel name") + " longer than " + max + " bytes");
                return false;
            }
        }
        return true;
    }

    private static Channel channel(CommandContext ctx, int i) {
        return Channel.of(ctx.request.array(i), ctx.request.start(i), ctx.request.length(i));
    }

    private static void publish(CommandContext ctx) throws IOException {
        if (!namesFit(ctx, 1, 2, false)) {
            return;
        }
        Message message = Message.published(channel(ctx, 1), displayName(ctx), ctx.request.bytes(2));
        int receivers = ctx.service.hub().publish(message, null);
        ctx.reply.integer(receivers);
        ctx.deliveredSinceTurn = Hub.yieldToReceivers(ctx.deliveredSinceTurn, receivers);
    }

    /**
     * How people in a room see a program that publishes: by a name it could have taken in the
     * chat itself, else by its connection id. Its CLIENT SETNAME name counts if it is a legal chat
     * name, is not a registered user's unless the program is logged in as that user, and is not
     * the name of someone in the chat right now. Next comes the name of the user it is logged in
     * as (its own). Otherwise "client#17": '#' is in no chat name, so nobody can pass for it.
     */
    static String displayName(CommandContext ctx) {
        String name = ctx.session.name();
        User user = ctx.session.user();
        if (!name.isEmpty() && Names.isValid(name)) {
            Optional<User> registered = ctx.service.authenticator().users().findIgnoringCase(name);
            boolean mayUse = registered.isPresent()
                    ? user != null && user.name().equals(registered.get().name())
                    : ctx.service.hub().nameHolder(name) == null;
            if (mayUse) {
                return name;
            }
        }
        if (user != null && user != User.DEFAULT) {
            return user.name();
        }
        return "client#" + ctx.session.id();
    }

    private static void pubsub(CommandContext ctx) throws IOException {
        Hub hub = ctx.service.hub();
        switch (ctx.subcommand()) {
            case "CHANNELS" -> {
                if (ctx.argc() > 3) {
                    ctx.subcommandSyntaxError("PUBSUB");
                    return;
                }
                if (ctx.argc() == 3 && !namesFit(ctx, 2, 3, true)) {
                    return;
                }
                List<Channel> rooms = hub.rooms(ctx.argc() == 3 ? Glob.of(ctx.request.bytes(2)) : null);
                ctx.reply.arrayHeader(rooms.size());
                for (Channel r : rooms) {
                    ctx.reply.bulk(r.bytes());
                }
            }
            case "NUMSUB" -> {
                ctx.reply.arrayHeader((ctx.argc() - 2) * 2);
                for (int i = 2; i < ctx.argc(); i++) {
                    ctx.reply.bulk(ctx.request.array(i), ctx.request.start(i), ctx.request.length(i));
                    ctx.reply.integer(ctx.request.length(i) > Channel.MAX_BYTES ? 0 : hub.subscribers(channel(ctx, i)));
                }
            }
            case "NUMPAT" -> {
                if (ctx.argc() != 2) {
                    ctx.wrongArity("pubsub|numpat");
                    return;
                }
                ctx.reply.integer(hub.patterns());
            }
            case "HELP" -> {
                ctx.reply.arrayHeader(3);
                ctx.reply.simple("CHANNELS [<pattern>] -- Return the currently active rooms matching a pattern.");
                ctx.reply.simple("NUMSUB [<room> ...] -- Return the number of subscribers of the rooms.");
                ctx.reply.simple("NUMPAT -- Return the number of pattern subscriptions.");
            }
            default -> ctx.unknownSubcommand("PUBSUB");
        }
    }
}
