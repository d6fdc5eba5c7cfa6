package io.tcpkit.server.command;

import io.tcpkit.codec.RespWriter;
import io.tcpkit.server.auth.Authenticator;
import io.tcpkit.server.auth.CertificateIdentity;
import io.tcpkit.server.auth.User;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/** Commands about the connection itself: PING, ECHO, QUIT, HELP, SELECT, HELLO, AUTH, LOGIN, ACL. */
final class ConnectionCommands {
    static final String UNSUPPORTED_PROTOCOL = "NOPROTO unsupported protocol version";
    /** Refused unchecked: the address has as many login attempts waiting as it may. */
    static final String TOO_MANY_LOGINS = "ERR too many login attempts from your address at once, try again later";

    private ConnectionCommands() {
    }

    static List<Command> all() {
        return List.of(
                new Command("PING", -1, true, "[message]", "Reply PONG, or the message.", "connection",
                        ConnectionCommands::ping),
                new Command("ECHO", 2, false, "message", "Reply the message.", "connection",
                        ctx -> ctx.reply.bulk(ctx.request.array(1), ctx.request.start(1), ctx.request.length(1))),
                new Command("QUIT", -1, true, "", "Close the connection (after +OK).", "connection", ctx -> {
                    ctx.reply.raw(RespWriter.OK);
                    ctx.quit();
                }),
                new Command("RESET", 1, true, "", "Leave every subscription, forget the name and log out.",
                        "connection", ConnectionCommands::reset),
                new Command("HELP", -1, false, "[command]", "List the commands, or describe one.", "connection",
                        ConnectionCommands::help),
                new Command("SELECT", 2, false, "index", "Select database 0, the only one.", "connection",
                        ConnectionCommands::select),
                new Command("HELLO", -1, true, "[protover [AUTH username password] [SETNAME name]]",
                        "Handshake: protocol version 2, optional login and name; replies server facts.",
                        "connection", ConnectionCommands::hello),
                new Command("AUTH", -2, true, "[username] password", "Log in.", "connection",
                        ConnectionCommands::auth),
                new Command("LOGIN", 3, true, "username password", "Log in (same as AUTH username password).",
                        "connection", ctx -> login(ctx, ctx.arg(1), 2)),
                new Command("ACL", -2, false, "WHOAMI | USERS", "Who you are logged in as; the users.", "server",
                        ConnectionCommands::acl));
    }

    private static void ping(CommandContext ctx) throws IOException {
        if (ctx.subscribedMode() && ctx.argc() <= 2) {
            // RESP2 subscribed mode answers PING as a message-shaped array (RESP3 as usual).
            ctx.reply.arrayHeader(2);
            ctx.reply.bulk("pong");
            if (ctx.argc() == 2) {
                ctx.reply.bulk(ctx.request.array(1), ctx.request.start(1), ctx.request.length(1));
            } else {
                ctx.reply.bulk("");
            }
            return;
        }
        switch (ctx.argc()) {
            case 1 -> ctx.reply.raw(RespWriter.PONG);
            case 2 -> ctx.reply.bulk(ctx.request.array(1), ctx.request.start(1), ctx.request.length(1));
            default -> ctx.wrongArity("ping");
        }
    }

    /** As Redis: unsubscribe from everything, clear the name, back to the connection's first user. */
    private static void reset(CommandContext ctx) throws IOException {
        ctx.leaveAll();
        ctx.protocol(2); // as Redis: RESET goes back to RESP2
        ctx.session.name("");
        ctx.session.user(CertificateIdentity.initialUser(ctx.connection, ctx.service.authenticator().users()));
        ctx.reply.simple("RESET");
    }

    private static void help(CommandContext ctx) throws IOException {
        CommandTable table = ctx.service.table();
        if (ctx.argc() >= 2) {
            Command c = table.find(ctx.arg(1));
            if (c == null) {
                ctx.reply.error("ERR no such command '" + CommandContext.abbreviate(ctx.arg(1)) + "'");
                return;
            }
            ctx.reply.arrayHeader(1);
            ctx.reply.simple(c.helpLine());
            return;
        }
        ctx.reply.arrayHeader(table.all().size());
        for (Command c : table.all()) {
            ctx.reply.simple(c.helpLine());
        }
    }

    private static void select(CommandContext ctx) throws IOException {
        Long index = Integers.parse(ctx.arg(1));
        if (index == null) {
            ctx.reply.error("ERR value is not an integer or out of range");
        } else if (index != index.intValue()) {
            ctx.reply.error("ERR value is out of range, value must between -2147483648 and 2147483647");
        } else if (index != 0) {
            ctx.reply.error("ERR DB index is out of range");
        } else {
            ctx.reply.raw(RespWriter.OK);
        }
    }

    /**
     * As Redis 7: the version is checked first, then the options, the login and the name; only
     * when all of them succeed does the connection switch protocol (HELLO without a version keeps
     * the one in force), and the reply is already in the new one.
     */
    private static void hello(CommandContext ctx) throws IOException, InterruptedException {
        int next = 1;
        int version = 0;
        if (ctx.argc() >= 2) {
            Long v = Integers.parse(ctx.arg(next++));
            if (v == null) {
                ctx.reply.error("ERR Protocol version is not an integer or out of range");
                return;
            }
            if (v != 2 && v != 3) {
                ctx.reply.error(UNSUPPORTED_PROTOCOL);
                return;
            }
            version = v.intValue();
        }
        String user = null;
        String password = null;
        int name = 0; // the argument that holds the name, if any
        for (int j = next; j < ctx.argc(); j++) {
            int more = ctx.argc() - 1 - j;
            String option = ctx.keyword(j);
            if (option.equals("AUTH") && more >= 2) {
                user = ctx.arg(j + 1);
                password = ctx.arg(j + 2);
                j += 2;
            } else if (option.equals("SETNAME") && more >= 1) {
                name = j + 1;
                j++;
            } else {
                ctx.reply.error("ERR Syntax error in HELLO option '" + CommandContext.abbreviate(ctx.arg(j)) + "'");
                return;
            }
        }
        if (user != null) {
            Optional<User> u = login(ctx, user, password.toCharArray());
            if (u == null) {
                return;
            }
            if (u.isEmpty()) {
                ctx.reply.error("WRONGPASS invalid username-password pair or user is disabled.");
                return;
            }
            ctx.session.user(u.get());
        }
        if (!ctx.session.isAuthenticated()) {
            ctx.reply.error("NOAUTH HELLO must be called with the client already authenticated, otherwise the "
                    + "HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and "
                    + "select the RESP protocol version at the same time");
            return;
        }
        if (name > 0 && !ClientCommand.setName(ctx, name)) {
            return;
        }
        if (version != 0) {
            ctx.protocol(version);
        }
        ServerCommands.helloMap(ctx);
    }

    private static void auth(CommandContext ctx) throws IOException, InterruptedException {
        if (ctx.argc() > 3) {
            ctx.reply.error("ERR syntax error");
            return;
        }
        if (ctx.argc() == 2) {
            if (!ctx.service.authenticator().users().required()) {
                ctx.reply.error("ERR AUTH <password> called without any password configured for the default user. "
                        + "Are you sure your configuration is correct?");
                return;
            }
            login(ctx, User.DEFAULT.name(), 1);
        } else {
            login(ctx, ctx.arg(1), 2);
        }
    }

    /** The user, empty for a wrong password, or null after replying that the address must wait. */
    private static Optional<User> login(CommandContext ctx, String user, char[] password)
            throws IOException, InterruptedException {
        try {
            return ctx.service.authenticator().login(user, password, ctx.session.remoteAddress().getAddress());
        } catch (Authenticator.TooManyLoginsException e) {
            ctx.reply.error(TOO_MANY_LOGINS);
            return null;
        } finally {
            java.util.Arrays.fill(password, '\0');
        }
    }

    private static void login(CommandContext ctx, String user, int passwordArg) throws IOException, InterruptedException {
        Optional<User> u = login(ctx, user, ctx.arg(passwordArg).toCharArray());
        if (u == null) {
            return;
        }
        if (u.isEmpty()) {
            ctx.reply.error("WRONGPASS invalid username-password pair or user is disabled.");
            return;
        }
        ctx.session.user(u.get());
        ctx.reply.raw(RespWriter.OK);
    }

    private static void acl(CommandContext ctx) throws IOException {
        switch (ctx.subcommand()) {
            case "WHOAMI" -> {
                if (ctx.argc() != 2) {
                    ctx.wrongArity("acl|whoami");
                } else {
                    ctx.reply.bulk(ctx.session.user().name());
                }
            }
            case "USERS" -> {
                if (ctx.argc() != 2) {
                    ctx.wrongArity("acl|users");
                } else {
                    List<User> users = ctx.service.authenticator().users().required()
                            ? ctx.service.authenticator().users().all() : List.of(User.DEFAULT);
                    ctx.reply.arrayHeader(users.size());
                    for (User u : users) {
                        ctx.reply.bulk(u.name());
                    }
                }
            }
            case "HELP" -> {
                ctx.reply.arrayHeader(2);
                ctx.reply.simple("WHOAMI -- Return the name of the user of this connection.");
                ctx.reply.simple("USERS -- List the users.");
            }
            default -> ctx.unknownSubcommand("ACL");
        }
    }
}
