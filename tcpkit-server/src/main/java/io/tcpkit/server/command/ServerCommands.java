package io.tcpkit.server.command;

import io.tcpkit.Limits;
import io.tcpkit.ServerStats;
import io.tcpkit.TcpServer;
import io.tcpkit.server.BuildInfo;
import io.tcpkit.server.hub.Glob;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Commands about the server: COMMAND (and COUNT, DOCS, INFO, LIST), INFO and CONFIG GET, answered
 * the way redis-cli and redis-benchmark expect when they start, and HELLO's reply.
 */
final class ServerCommands {
    /** The Redis version whose protocol and replies we follow; clients gate features on it. */
    static final String REDIS_COMPATIBLE_VERSION = "7.2.0";

    private ServerCommands() {
    }

    static List<Command> all() {
        return List.of(
                new Command("COMMAND", -1, false, "[COUNT | DOCS [name ...] | INFO [name ...] | LIST]",
                        "Describe the commands.", "server", ServerCommands::command),
                new Command("INFO", -1, false, "[section ...]", "Facts and counters about the server.", "server",
                        ServerCommands::info),
                new Command("CONFIG", -2, false, "GET parameter [parameter ...]",
                        "Read configuration parameters (read-only here).", "server", ServerCommands::config));
    }

    /**
     * HELLO's reply, in Redis 7's order: a map of server facts (in RESP2 an array of name, value
     * pairs); proto is the version the connection now speaks.
     */
    static void helloMap(CommandContext ctx) throws IOException {
        ctx.reply.mapHeader(7);
        ctx.reply.bulk("server");
        ctx.reply.bulk("tcpkit");
        ctx.reply.bulk("version");
        ctx.reply.bulk(BuildInfo.version());
        ctx.reply.bulk("proto");
        ctx.reply.integer(ctx.reply.protocol());
        ctx.reply.bulk("id");
        ctx.reply.integer(ctx.session.id());
        ctx.reply.bulk("mode");
        ctx.reply.bulk("standalone");
        ctx.reply.bulk("role");
        ctx.reply.bulk("master");
        ctx.reply.bulk("modules");
        ctx.reply.arrayHeader(0);
    }

    private static void command(CommandContext ctx) throws IOException {
        CommandTable table = ctx.service.table();
        if (ctx.argc() == 1) {
            ctx.reply.arrayHeader(table.all().size());
            for (Command c : table.all()) {
                commandInfo(ctx, c);
            }
            return;
        }
        switch (ctx.subcommand()) {
            case "COUNT" -> ctx.reply.integer(table.all().size());
            case "LIST" -> {
                ctx.reply.arrayHeader(table.all().size());
                for (Command c : table.all()) {
                    ctx.reply.bulk(c.lowerName());
                }
            }
            case "INFO" -> {
                List<Command> wanted = selected(ctx, table);
                ctx.reply.arrayHeader(ctx.argc() == 2 ? wanted.size() : ctx.argc() - 2);
                if (ctx.argc() == 2) {
                    for (Command c : wanted) {
                        commandInfo(ctx, c);
                    }
                } else {
                    for (int i = 2; i < ctx.argc(); i++) {
                        Command c = table.find(ctx.arg(i));
                        if (c == null) {
                            ctx.reply.nullBulk(); // $-1 in RESP2, as Redis 7
                        } else {
                            commandInfo(ctx, c);
                        }
                    }
                }
            }
            case "DOCS" -> docs(ctx, table);
            case "HELP" -> {
                ctx.reply.arrayHeader(5);
                ctx.reply.simple("(no subcommand) -- Return details about all commands.");
                ctx.reply.simple("COUNT -- Return the total number of commands.");
                ctx.reply.simple("DOCS [<command-name> ...] -- Return documentary information about commands.");
                ctx.reply.simple("INFO [<command-name> ...] -- Return details about commands.");
                ctx.reply.simple("LIST -- Return a list of all commands.");
            }
            default -> ctx.unknownSubcommand("COMMAND");
        }
    }

    /**
     * COMMAND DOCS [name ...]: each command's documentation, keyed by name; as in Redis, a
     * subcommand may be asked for by its full name ("client|list"), and unknown names are left out.
     */
    private static void docs(CommandContext ctx, CommandTable table) throws IOException {
        java.util.List<Map.Entry<String, CommandDocs.Doc>> found = new java.util.ArrayList<>();
        if (ctx.argc() == 2) {
            for (Command c : table.all()) {
                found.add(Map.entry(c.lowerName(), CommandDocs.of(c.lowerName())));
            }
        } else {
            for (int i = 2; i < ctx.argc(); i++) {
                String name = Ascii.lowerCase(ctx.arg(i));
                int bar = name.indexOf('|');
                CommandDocs.Doc doc = CommandDocs.of(bar < 0 ? name : name.substring(0, bar));
                if (doc != null && bar >= 0) {
                    doc = doc.subcommands().stream().filter(e -> e.getKey().equals(name))
                            .map(Map.Entry::getValue).findFirst().orElse(null);
                }
                if (doc != null) {
                    found.add(Map.entry(name, doc));
                }
            }
        }
        ctx.reply.mapHeader(found.size());
        for (Map.Entry<String, CommandDocs.Doc> e : found) {
            ctx.reply.bulk(e.getKey());
            CommandDocs.write(ctx.reply, e.getValue());
        }
    }

    /** The commands named from argument 2 on (unknown ones skipped), or all of them. */
    private static List<Command> selected(CommandContext ctx, CommandTable table) {
        if (ctx.argc() == 2) {
            return table.all();
        }
        return java.util.stream.IntStream.range(2, ctx.argc())
                .mapToObj(i -> table.find(ctx.arg(i))).filter(java.util.Objects::nonNull).toList();
    }

    /** One COMMAND entry as Redis 7 writes it: name, arity, flags, keys, ACL categories, tips, key specs, subcommands. */
    private static void commandInfo(CommandContext ctx, Command c) throws IOException {
        ctx.reply.arrayHeader(10);
        ctx.reply.bulk(c.lowerName());
        ctx.reply.integer(c.arity());
        ctx.reply.setHeader(c.beforeLogin() ? 3 : 2); // sets in RESP3, as Redis 7
        ctx.reply.simple("fast");
        ctx.reply.simple("stale");
        if (c.beforeLogin()) {
            ctx.reply.simple("no-auth");
        }
        ctx.reply.integer(0);
        ctx.reply.integer(0);
        ctx.reply.integer(0);
        ctx.reply.setHeader(1);
        ctx.reply.simple("@" + c.group());
        ctx.reply.setHeader(0);
        ctx.reply.setHeader(0);
        ctx.reply.arrayHeader(0);
    }

    private static void info(CommandContext ctx) throws IOException {
        List<String> wanted = new java.util.ArrayList<>();
        for (int i = 1; i < ctx.argc(); i++) {
            wanted.add(Ascii.lowerCase(ctx.arg(i)));
        }
        ctx.reply.verbatim(Info.text(ctx, wanted)); // a verbatim string in RESP3, as Redis 7
    }

    private static void config(CommandContext ctx) throws IOException {
        switch (ctx.subcommand()) {
            case "GET" -> {
                if (ctx.argc() < 3) {
                    ctx.wrongArity("config|get");
                    return;
                }
                Map<String, String> params = parameters(ctx);
                Map<String, String> matched = new LinkedHashMap<>();
                for (int i = 2; i < ctx.argc(); i++) {
                    if (ctx.request.length(i) > Glob.MAX_PATTERN_BYTES) {
                        continue; // no parameter has a name that long
                    }
                    String asked = ctx.arg(i);
                    if (asked.chars().noneMatch(ch -> ch == '[' || ch == '*' || ch == '?')) {
                        // A plain name is answered under the name as asked, as Redis 7 does.
                        String value = params.get(Ascii.lowerCase(asked));
                        if (value != null && matched.keySet().stream().noneMatch(k -> k.equalsIgnoreCase(asked))) {
                            matched.put(asked, value);
                        }
                        continue;
                    }
                    // Case-insensitive, as Redis matches parameter names (all lower-case here).
                    Glob glob = Glob.of(Ascii.lowerCase(ctx.request.bytes(i)));
                    params.forEach((k, v) -> {
                        if (glob.matches(k.getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                                && matched.keySet().stream().noneMatch(m -> m.equalsIgnoreCase(k))) {
                            matched.put(k, v);
                        }
                    });
                }
                ctx.reply.mapHeader(matched.size());
                for (Map.Entry<String, String> e : matched.entrySet()) {
                    ctx.reply.bulk(e.getKey());
                    ctx.reply.bulk(e.getValue());
                }
            }
            case "SET" -> {
                // Redis's arity first (parameter value pairs), then the refusal.
                if (ctx.argc() < 4 || ctx.argc() % 2 != 0) {
                    ctx.wrongArity("config|set");
                } else {
                    ctx.reply.error("ERR CONFIG SET is not supported: restart tcpkit with new options");
                }
            }
            case "HELP" -> {
                ctx.reply.arrayHeader(1);
                ctx.reply.simple("GET <pattern> -- Return parameters matching the glob-like <pattern> and their values.");
            }
            default -> ctx.unknownSubcommand("CONFIG");
        }
    }

    private static Map<String, String> parameters(CommandContext ctx) {
        TcpServer server = ctx.service.server();
        Limits limits = server == null ? Limits.DEFAULT : server.limits();
        Map<String, String> p = new LinkedHashMap<>();
        p.put("appendonly", "no");
        p.put("bind", server == null ? "" : server.localAddress().getAddress().getHostAddress());
        p.put("databases", "1");
        p.put("maxclients", Integer.toString(limits.maxConnections()));
        p.put("port", server == null ? "0" : Integer.toString(server.port()));
        p.put("proto-max-bulk-len", Integer.toString(ctx.service.maxRequestBytes()));
        p.put("save", "");
        p.put("timeout", Long.toString(limits.idleTimeout().toSeconds()));
        return p;
    }
}
