package io.tcpkit.server.command;

import io.tcpkit.server.auth.User;
import io.tcpkit.server.hub.Hub;
import io.tcpkit.server.hub.Message;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH and PUBSUB over the {@link Hub}, with
 * Redis's RESP2 reply shapes. Rooms are the chat's rooms: {@code SUBSCRIBE lobby} follows the
 * chat's lobby, {@code PUBLISH lobby hi} speaks in it.
 */
final class PubSubCommands {
    /** What RESP2 allows while subscribed. */
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
        PubSubClient client = ctx.pubsub();
        String kind = patterns ? "psubscribe" : "subscribe";
        for (int i = 1; i < ctx.argc(); i++) {
            String name = ctx.arg(i);
            boolean isNew = !(patterns ? client.patterns : client.rooms).contains(name);
            // The confirmation is written before the subscription is in force, so the connection's
            // ordered output puts every message it brings after it.
            confirm(ctx, kind, name, client.count() + (isNew ? 1 : 0));
            if (patterns) {
                client.psubscribe(name);
            } else {
                client.subscribe(name);
            }
        }
    }

    private static void unsubscribe(CommandContext ctx, boolean patterns) throws IOException {
        PubSubClient client = ctx.pubsub();
        String kind = patterns ? "punsubscribe" : "unsubscribe";
        List<String> names = new ArrayList<>();
        for (int i = 1; i < ctx.argc(); i++) {
            names.add(ctx.arg(i));
        }
        if (names.isEmpty()) {
            names.addAll(patterns ? client.patterns : client.rooms);
            if (names.isEmpty()) {
                ctx.reply.arrayHeader(3);
                ctx.reply.bulk(kind);
                ctx.reply.nullBulk();
                ctx.reply.integer(client.count());
                return;
            }
        }
        for (String name : names) {
            if (patterns) {
                client.punsubscribe(name);
            } else {
                client.unsubscribe(name);
            }
            confirm(ctx, kind, name, client.count());
        }
    }

    private static void confirm(CommandContext ctx, String kind, String name, int count) throws IOException {
        ctx.reply.arrayHeader(3);
        ctx.reply.bulk(kind);
        ctx.reply.bulk(name);
        ctx.reply.integer(count);
    }

    private static void publish(CommandContext ctx) throws IOException {
        Message message = Message.published(ctx.arg(1), displayName(ctx), ctx.request.bytes(2));
        int receivers = ctx.service.hub().publish(message, null);
        ctx.reply.integer(receivers);
        Hub.yieldToReceivers(receivers);
    }

    /** How people in a room see a program that publishes: its client name, its user, or "client" + id. */
    private static String displayName(CommandContext ctx) {
        if (!ctx.session.name().isEmpty()) {
            return ctx.session.name();
        }
        User user = ctx.session.user();
        return user != null && user != User.DEFAULT ? user.name() : "client" + ctx.session.id();
    }

    private static void pubsub(CommandContext ctx) throws IOException {
        Hub hub = ctx.service.hub();
        switch (ctx.keyword(1)) {
            case "CHANNELS" -> {
                if (ctx.argc() > 3) {
                    ctx.wrongArity("pubsub|channels");
                    return;
                }
                List<String> rooms = hub.rooms(ctx.argc() == 3 ? ctx.arg(2) : null);
                ctx.reply.arrayHeader(rooms.size());
                for (String r : rooms) {
                    ctx.reply.bulk(r);
                }
            }
            case "NUMSUB" -> {
                ctx.reply.arrayHeader((ctx.argc() - 2) * 2);
                for (int i = 2; i < ctx.argc(); i++) {
                    ctx.reply.bulk(ctx.arg(i));
                    ctx.reply.integer(hub.subscribers(ctx.arg(i)));
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
