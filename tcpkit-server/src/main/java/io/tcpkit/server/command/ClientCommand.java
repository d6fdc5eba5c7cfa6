package io.tcpkit.server.command;

import io.tcpkit.codec.RespWriter;
import io.tcpkit.server.session.Session;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * CLIENT ID | SETNAME | GETNAME | SETINFO | LIST | INFO | KILL | HELP: every connection, of every
 * service, is a session with an id, a name, a user, an address, an age, an idle time and a last
 * command, as in Redis.
 */
final class ClientCommand {
    private ClientCommand() {
    }

    static Command command() {
        return new Command("CLIENT", -2, false, "ID | SETNAME name | GETNAME | SETINFO LIB-NAME|LIB-VER value | "
                + "LIST [ID id ...] | INFO | KILL ID id | KILL ADDR ip:port | KILL USER name",
                "Inspect and manage client connections.", "connection", ClientCommand::run);
    }

    /** Runs a subcommand; CommandService has checked that it exists and that the user may run it. */
    private static void run(CommandContext ctx) throws IOException {
        String sub = ctx.subcommand();
        String name = "client|" + Ascii.lowerCase(sub);
        switch (sub) {
            case "ID" -> {
                if (arity(ctx, 2, name)) {
                    ctx.reply.integer(ctx.session.id());
                }
            }
            case "GETNAME" -> {
                if (arity(ctx, 2, name)) {
                    String current = ctx.session.name();
                    ctx.reply.bulk(current.isEmpty() ? null : current);
                }
            }
            case "SETNAME" -> {
                if (arity(ctx, 3, name) && setName(ctx, 2)) {
                    ctx.reply.raw(RespWriter.OK);
                }
            }
            case "SETINFO" -> {
                if (arity(ctx, 4, name)) {
                    setInfo(ctx);
                }
            }
            case "INFO" -> {
                if (arity(ctx, 2, name)) {
                    ctx.reply.verbatim(line(ctx.session));
                }
            }
            case "LIST" -> list(ctx);
            case "KILL" -> {
                if (ctx.argc() < 3) {
                    ctx.wrongArity(name);
                } else {
                    ClientKill.run(ctx);
                }
            }
            case "HELP" -> help(ctx);
            default -> ctx.unknownSubcommand("CLIENT");
        }
    }

    private static boolean arity(CommandContext ctx, int argc, String name) throws IOException {
        if (ctx.argc() != argc) {
            ctx.wrongArity(name);
            return false;
        }
        return true;
    }

    /**
     * Whether argument {@code i} may be shown in CLIENT LIST, where fields are split at spaces: every
     * byte from '!' to '~', as Redis 7.0 checks (all of them; a NUL does not end the check).
     */
    private static boolean listable(CommandContext ctx, int i) {
        byte[] a = ctx.request.array(i);
        int start = ctx.request.start(i);
        for (int k = 0; k < ctx.request.length(i); k++) {
            byte b = a[start + k];
            if (b < '!' || b > '~') {
                return false;
            }
        }
        return true;
    }

    /** Sets the session's name from argument {@code i} if it is valid (empty clears it); else writes Redis's error. */
    static boolean setName(CommandContext ctx, int i) throws IOException {
        if (!listable(ctx, i)) {
            ctx.reply.error("ERR Client names cannot contain spaces, newlines or special characters.");
            return false;
        }
        ctx.session.name(ctx.arg(i));
        return true;
    }

    /** As Redis 7.2: the attribute is checked first, and named in the error as the client wrote it. */
    private static void setInfo(CommandContext ctx) throws IOException {
        String attribute = ctx.keyword(2);
        if (!attribute.equals("LIB-NAME") && !attribute.equals("LIB-VER")) {
            ctx.reply.error("ERR Unrecognized option '" + CommandContext.abbreviate(ctx.arg(2)) + "'");
            return;
        }
        if (!listable(ctx, 3)) {
            ctx.reply.error("ERR " + ctx.arg(2) + " cannot contain spaces, newlines or special characters.");
            return;
        }
        if (attribute.equals("LIB-NAME")) {
            ctx.session.library(ctx.arg(3), null);
        } else {
            ctx.session.library(null, ctx.arg(3));
        }
        ctx.reply.raw(RespWriter.OK);
    }

    private static void list(CommandContext ctx) throws IOException {
        Predicate<Session> filter = s -> true;
        for (int j = 2; j < ctx.argc(); j++) {
            String option = ctx.keyword(j);
            if (option.equals("ID") && j + 1 < ctx.argc()) {
                List<Long> ids = new ArrayList<>();
                for (j++; j < ctx.argc(); j++) {
                    // Any integer, as Redis 7.0 (0 and negative ids match nobody).
                    Long id = Integers.parse(ctx.arg(j));
                    if (id == null) {
                        ctx.reply.error("ERR Invalid client ID");
                        return;
                    }
                    ids.add(id);
                }
                filter = filter.and(s -> ids.contains(s.id()));
            } else if (option.equals("TYPE") && j + 1 < ctx.argc()) {
                String type = ctx.keyword(++j);
                if (!List.of("NORMAL", "PUBSUB", "MASTER", "REPLICA", "SLAVE").contains(type)) {
                    ctx.reply.error("ERR Unknown client type '" + CommandContext.abbreviate(ctx.arg(j)) + "'");
                    return;
                }
                boolean pubsub = type.equals("PUBSUB");
                filter = filter.and(s -> (s.subscribedRooms() + s.subscribedPatterns() > 0) == pubsub
                        && (pubsub || type.equals("NORMAL")));
            } else {
                ctx.reply.error("ERR syntax error");
                return;
            }
        }
        StringBuilder sb = new StringBuilder();
        for (Session s : live(ctx)) {
            if (filter.test(s)) {
                sb.append(line(s));
            }
        }
        ctx.reply.verbatim(sb.toString());
    }

    /**
     * The sessions whose connections are open: one just killed (its close under way on another
     * thread) is gone already, as in Redis, where CLIENT KILL frees the client at once.
     */
    static List<Session> live(CommandContext ctx) {
        return ctx.service.sessions().list().stream().filter(s -> s.connection().isOpen()).toList();
    }

    /** One CLIENT LIST line, in Redis's field order where the fields exist here. */
    static String line(Session s) {
        return "id=" + s.id()
                + " addr=" + address(s.remoteAddress())
                + " laddr=" + address(s.localAddress())
                + " fd=-1"
                + " name=" + s.name()
                + " age=" + s.age().toSeconds()
                + " idle=" + s.idle().toSeconds()
                + " flags=" + (s.subscribedRooms() + s.subscribedPatterns() > 0 ? "P" : "N")
                + " db=0 sub=" + s.subscribedRooms() + " psub=" + s.subscribedPatterns() + " multi=-1"
                + " cmd=" + s.lastCommand()
                + " user=" + (s.user() == null ? "" : s.user().name())
                + " lib-name=" + s.libName()
                + " lib-ver=" + s.libVersion()
                + " resp=" + s.protocol()
                + " service=" + s.service()
                + "\n";
    }

    static String address(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    private static void help(CommandContext ctx) throws IOException {
        List<String> lines = List.of(
                "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "ID -- Return the ID of the current connection.",
                "GETNAME -- Return the name of the current connection.",
                "SETNAME <name> -- Assign the name <name> to the current connection.",
                "SETINFO <LIB-NAME|LIB-VER> <value> -- Record the client library and its version.",
                "INFO -- Return information about the current client connection.",
                "LIST [TYPE <type>] [ID <id> [<id> ...]] -- Return information about client connections.",
                "KILL <ip:port> -- Kill connection made from <ip:port>.",
                "KILL <option> <value> [<option> <value> [...]] -- Kill connections. Options are: "
                        + "ID <client-id>, ADDR <ip:port>, LADDR <ip:port>, USER <username>, SKIPME (YES|NO).",
                "HELP -- Print this help.");
        ctx.reply.arrayHeader(lines.size());
        for (String l : lines) {
            ctx.reply.simple(l);
        }
    }
}
