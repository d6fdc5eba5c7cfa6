package io.tcpkit.server.command;

import io.tcpkit.CloseReason;
import io.tcpkit.codec.RespWriter;
import io.tcpkit.server.auth.User;
import io.tcpkit.server.log.Audit;
import io.tcpkit.server.session.Session;

import java.io.IOException;
import java.util.List;
import java.util.function.Predicate;

/**
 * CLIENT KILL, the one CLIENT subcommand that acts on other connections: the old form
 * ({@code KILL ip:port}, +OK or an error) and the filters ({@code ID}, {@code ADDR},
 * {@code LADDR}, {@code USER}, {@code SKIPME}; the number killed), each victim audited.
 */
final class ClientKill {
    private ClientKill() {
    }

    /**
     * CLIENT KILL with three or more arguments (ClientCommand.run has counted them; CommandService
     * has checked that the user may run it).
     */
    static void run(CommandContext ctx) throws IOException {
        if (ctx.argc() == 3) {
            // Old form: CLIENT KILL ip:port, replying +OK or an error.
            String addr = ctx.arg(2);
            List<Session> victims = ClientCommand.live(ctx).stream()
                    .filter(s -> ClientCommand.address(s.remoteAddress()).equals(addr)).toList();
            if (victims.isEmpty()) {
                ctx.reply.error("ERR No such client");
                return;
            }
            kill(ctx, victims);
            ctx.reply.raw(RespWriter.OK);
            return;
        }
        Predicate<Session> filter = s -> true;
        boolean skipMe = true;
        for (int j = 2; j < ctx.argc(); j += 2) {
            if (j + 1 >= ctx.argc()) {
                ctx.reply.error("ERR syntax error");
                return;
            }
            String option = ctx.keyword(j);
            String value = ctx.arg(j + 1);
            switch (option) {
                case "ID" -> {
                    Long id = parseId(value);
                    if (id == null) {
                        ctx.reply.error("ERR client-id should be greater than 0");
                        return;
                    }
                    filter = filter.and(s -> s.id() == id);
                }
                case "ADDR" -> filter = filter.and(s -> ClientCommand.address(s.remoteAddress()).equals(value));
                case "LADDR" -> filter = filter.and(s -> ClientCommand.address(s.localAddress()).equals(value));
                case "USER" -> {
                    if (!userExists(ctx, value)) {
                        ctx.reply.error("ERR No such user '" + value + "'"); // as Redis
                        return;
                    }
                    filter = filter.and(s -> s.user() != null && s.user().name().equals(value));
                }
                case "SKIPME" -> {
                    String yesNo = ctx.keyword(j + 1);
                    if (!yesNo.equals("YES") && !yesNo.equals("NO")) {
                        ctx.reply.error("ERR syntax error");
                        return;
                    }
                    skipMe = yesNo.equals("YES");
                }
                default -> {
                    ctx.reply.error("ERR syntax error");
                    return;
                }
            }
        }
        long self = ctx.session.id();
        boolean skip = skipMe;
        List<Session> victims = ClientCommand.live(ctx).stream()
                .filter(filter).filter(s -> !(skip && s.id() == self)).toList();
        kill(ctx, victims);
        ctx.reply.integer(victims.size());
    }

    /**
     * Closes the victims' connections, with an audit line; its own is closed after the reply, as
     * Redis does (close after reply).
     */
    private static void kill(CommandContext ctx, List<Session> victims) {
        Session me = ctx.session;
        Audit.clientKill(me.id(), me.user() == null ? null : me.user().name(),
                me.remoteAddress().getAddress().getHostAddress(),
                victims.stream().map(s -> "conn-" + s.id() + " (" + s.service() + ")").toList());
        for (Session victim : victims) {
            if (victim == me) {
                ctx.closeAfterReply(CloseReason.KILLED);
            } else {
                victim.kill();
            }
        }
    }

    /** Whether ACL USERS would list the name: a users file's user, or the default user without one. */
    private static boolean userExists(CommandContext ctx, String name) {
        var users = ctx.service.authenticator().users();
        return users.required() ? users.find(name).isPresent() : name.equals(User.DEFAULT.name());
    }

    private static Long parseId(String s) {
        Long id = Integers.parse(s);
        return id != null && id > 0 ? id : null;
    }
}
