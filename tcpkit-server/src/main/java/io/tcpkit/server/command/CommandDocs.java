package io.tcpkit.server.command;

import io.tcpkit.codec.RespWriter;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What COMMAND DOCS says of each command, in Redis 7's shape (summary, since, group, complexity,
 * arguments with name, type, token, since, flags and nested arguments; subcommands), so that
 * redis-cli's help and argument hints work for our commands. The texts are Redis 7's own
 * (src/commands/*.json, BSD-3-Clause, copyright Salvatore Sanfilippo) for the commands and
 * subcommands tcpkit implements, trimmed to the arguments tcpkit accepts (CLIENT KILL has no
 * TYPE filter here, COMMAND LIST no FILTERBY); HELP and LOGIN, which Redis has not, are described in the same shape.
 * Over 300 lines only because it is data.
 */
final class CommandDocs {
    static final int OPTIONAL = 1;
    static final int MULTIPLE = 2;
    static final int MULTIPLE_TOKEN = 4;

    /** One argument: its type is Redis's (string, integer, pattern, key, oneof, block, pure-token...). */
    record Arg(String name, String type, String token, String since, String deprecatedSince, int flags,
               List<Arg> arguments) {
    }

    /**
     * A command's or subcommand's documentation: history is Redis's (version, what changed) pairs;
     * subcommands by full name ("client|list").
     */
    record Doc(String summary, String since, String group, String complexity, List<List<String>> history,
               List<Arg> arguments, List<Map.Entry<String, Doc>> subcommands) {
    }

    private static final Map<String, Doc> DOCS = docs();

    private CommandDocs() {
    }

    /** The documentation of a command by its lower-case name, or null. */
    static Doc of(String lowerName) {
        return DOCS.get(lowerName);
    }

    /** Writes a command's documentation as Redis 7 does: a map (in RESP2 an array of name, value pairs); flags are a set in RESP3. */
    static void write(RespWriter reply, Doc doc) throws IOException {
        int fields = 4 + (doc.history().isEmpty() ? 0 : 1) + (doc.arguments().isEmpty() ? 0 : 1)
                + (doc.subcommands().isEmpty() ? 0 : 1);
        map(reply, fields);
        reply.bulk("summary");
        reply.bulk(doc.summary());
        reply.bulk("since");
        reply.bulk(doc.since());
        reply.bulk("group");
        reply.bulk(doc.group());
        reply.bulk("complexity");
        reply.bulk(doc.complexity());
        if (!doc.history().isEmpty()) {
            reply.bulk("history");
            reply.setHeader(doc.history().size());
            for (List<String> change : doc.history()) {
                reply.arrayHeader(2);
                reply.bulk(change.get(0));
                reply.bulk(change.get(1));
            }
        }
        if (!doc.arguments().isEmpty()) {
            reply.bulk("arguments");
            writeArgs(reply, doc.arguments());
        }
        if (!doc.subcommands().isEmpty()) {
            reply.bulk("subcommands");
            map(reply, doc.subcommands().size());
            for (Map.Entry<String, Doc> sub : doc.subcommands()) {
                reply.bulk(sub.getKey());
                write(reply, sub.getValue());
            }
        }
    }

    private static void writeArgs(RespWriter reply, List<Arg> args) throws IOException {
        reply.arrayHeader(args.size());
        for (Arg a : args) {
            int fields = 2 + (a.token() == null ? 0 : 1) + (a.since() == null ? 0 : 1)
                    + (a.deprecatedSince() == null ? 0 : 1) + (a.flags() == 0 ? 0 : 1)
                    + (a.arguments().isEmpty() ? 0 : 1);
            map(reply, fields);
            reply.bulk("name");
            reply.bulk(a.name());
            reply.bulk("type");
            reply.bulk(a.type());
            if (a.token() != null) {
                reply.bulk("token");
                reply.bulk(a.token());
            }
            if (a.since() != null) {
                reply.bulk("since");
                reply.bulk(a.since());
            }
            if (a.deprecatedSince() != null) {
                reply.bulk("deprecated_since");
                reply.bulk(a.deprecatedSince());
            }
            if (a.flags() != 0) {
                reply.bulk("flags");
                reply.setHeader(Integer.bitCount(a.flags()));
                // Status replies, as Redis writes flags.
                if ((a.flags() & OPTIONAL) != 0) {
                    reply.simple("optional");
                }
                if ((a.flags() & MULTIPLE) != 0) {
                    reply.simple("multiple");
                }
                if ((a.flags() & MULTIPLE_TOKEN) != 0) {
                    reply.simple("multiple_token");
                }
            }
            if (!a.arguments().isEmpty()) {
                reply.bulk("arguments");
                writeArgs(reply, a.arguments());
            }
        }
    }

    /** A map header of n entries: in RESP2 an array of 2n. */
    private static void map(RespWriter reply, int entries) throws IOException {
        reply.mapHeader(entries);
    }

    private static void put(Map<String, Doc> m, String name, Doc doc) {
        m.put(name, doc);
    }

    private static Map<String, Doc> docs() {
        Map<String, Doc> m = new HashMap<>();
        put(m, "ping", new Doc("Ping the server", "1.0.0", "connection", "O(1)", List.of(), List.of(
                new Arg("message", "string", null, null, null, OPTIONAL, List.of())), List.of()));
        put(m, "echo", new Doc("Echo the given string", "1.0.0", "connection", "O(1)", List.of(), List.of(
                new Arg("message", "string", null, null, null, 0, List.of())), List.of()));
        put(m, "quit", new Doc("Close the connection", "1.0.0", "connection", "O(1)", List.of(), List.of(), List.of()));
        put(m, "reset", new Doc("Reset the connection", "6.2.0", "connection", "O(1)", List.of(), List.of(), List.of()));
        put(m, "select", new Doc("Change the selected database for the current connection", "1.0.0", "connection", "O(1)", List.of(), List.of(
                new Arg("index", "integer", null, null, null, 0, List.of())), List.of()));
        put(m, "hello", new Doc("Handshake with Redis", "6.0.0", "connection", "O(1)", List.of(List.of("6.2.0", "`protover` made optional; when called without arguments the command reports the current connection's context.")), List.of(
                new Arg("arguments", "block", null, null, null, OPTIONAL, List.of(
                        new Arg("protover", "integer", null, null, null, 0, List.of()),
                        new Arg("username_password", "block", "AUTH", null, null, OPTIONAL, List.of(
                                new Arg("username", "string", null, null, null, 0, List.of()),
                                new Arg("password", "string", null, null, null, 0, List.of()))),
                        new Arg("clientname", "string", "SETNAME", null, null, OPTIONAL, List.of())))), List.of()));
        put(m, "auth", new Doc("Authenticate to the server", "1.0.0", "connection", "O(N) where N is the number of passwords defined for the user", List.of(List.of("6.0.0", "Added ACL style (username and password).")), List.of(
                new Arg("username", "string", null, "6.0.0", null, OPTIONAL, List.of()),
                new Arg("password", "string", null, null, null, 0, List.of())), List.of()));
        put(m, "acl", new Doc("A container for Access List Control commands ", "6.0.0", "server", "Depends on subcommand.", List.of(), List.of(), List.of(
                Map.entry("acl|whoami", new Doc("Return the name of the user associated to the current connection", "6.0.0", "server", "O(1)", List.of(), List.of(), List.of())),
                Map.entry("acl|users", new Doc("List the username of all the configured ACL rules", "6.0.0", "server", "O(N). Where N is the number of configured users.", List.of(), List.of(), List.of())),
                Map.entry("acl|help", new Doc("Show helpful text about the different subcommands", "6.0.0", "server", "O(1)", List.of(), List.of(), List.of())))));
        put(m, "client", new Doc("A container for client connection commands", "2.4.0", "connection", "Depends on subcommand.", List.of(), List.of(), List.of(
                Map.entry("client|id", new Doc("Returns the client ID for the current connection", "5.0.0", "connection", "O(1)", List.of(), List.of(), List.of())),
                Map.entry("client|getname", new Doc("Get the current connection name", "2.6.9", "connection", "O(1)", List.of(), List.of(), List.of())),
                Map.entry("client|setname", new Doc("Set the current connection name", "2.6.9", "connection", "O(1)", List.of(), List.of(
                        new Arg("connection-name", "string", null, null, null, 0, List.of())), List.of())),
                Map.entry("client|setinfo", new Doc("Sets information specific to the client or connection.", "7.2.0", "connection", "O(1)", List.of(), List.of(
                        new Arg("attr", "oneof", null, null, null, 0, List.of(
                                new Arg("libname", "string", "LIB-NAME", null, null, 0, List.of()),
                                new Arg("libver", "string", "LIB-VER", null, null, 0, List.of())))), List.of())),
                Map.entry("client|info", new Doc("Returns information about the current client connection.", "6.2.0", "connection", "O(1)", List.of(), List.of(), List.of())),
                Map.entry("client|list", new Doc("Get the list of client connections", "2.4.0", "connection", "O(N) where N is the number of client connections", List.of(List.of("2.8.12", "Added unique client `id` field."), List.of("5.0.0", "Added optional `TYPE` filter."), List.of("6.0.0", "Added `user` field."), List.of("6.2.0", "Added `argv-mem`, `tot-mem`, `laddr` and `redir` fields and the optional `ID` filter."), List.of("7.0.0", "Added `resp`, `multi-mem`, `rbs` and `rbp` fields."), List.of("7.0.3", "Added `ssub` field.")), List.of(
                        new Arg("normal_master_replica_pubsub", "oneof", "TYPE", "5.0.0", null, OPTIONAL, List.of(
                                new Arg("normal", "pure-token", "NORMAL", null, null, 0, List.of()),
                                new Arg("master", "pure-token", "MASTER", null, null, 0, List.of()),
                                new Arg("replica", "pure-token", "REPLICA", null, null, 0, List.of()),
                                new Arg("pubsub", "pure-token", "PUBSUB", null, null, 0, List.of()))),
                        new Arg("id", "block", "ID", "6.2.0", null, OPTIONAL, List.of(
                                new Arg("client-id", "integer", null, null, null, MULTIPLE, List.of())))), List.of())),
                Map.entry("client|kill", new Doc("Kill the connection of a client", "2.4.0", "connection", "O(N) where N is the number of client connections", List.of(List.of("2.8.12", "Added new filter format."), List.of("2.8.12", "`ID` option."), List.of("3.2.0", "Added `master` type in for `TYPE` option."), List.of("5.0.0", "Replaced `slave` `TYPE` with `replica`. `slave` still supported for backward compatibility."), List.of("6.2.0", "`LADDR` option.")), List.of(
                        new Arg("filter", "oneof", null, null, null, 0, List.of(
                                new Arg("ip:port", "string", null, null, "2.8.12", 0, List.of()),
                                new Arg("new-format", "oneof", null, null, null, MULTIPLE, List.of(
                                        new Arg("client-id", "integer", "ID", "2.8.12", null, OPTIONAL, List.of()),
                                        new Arg("username", "string", "USER", null, null, OPTIONAL, List.of()),
                                        new Arg("ip:port", "string", "ADDR", null, null, OPTIONAL, List.of()),
                                        new Arg("ip:port", "string", "LADDR", "6.2.0", null, OPTIONAL, List.of()),
                                        new Arg("yes/no", "string", "SKIPME", null, null, OPTIONAL, List.of())))))), List.of())),
                Map.entry("client|help", new Doc("Show helpful text about the different subcommands", "5.0.0", "connection", "O(1)", List.of(), List.of(), List.of())))));
        put(m, "config", new Doc("A container for server configuration commands", "2.0.0", "server", "Depends on subcommand.", List.of(), List.of(), List.of(
                Map.entry("config|get", new Doc("Get the values of configuration parameters", "2.0.0", "server", "O(N) when N is the number of configuration parameters provided", List.of(List.of("7.0.0", "Added the ability to pass multiple pattern parameters in one call")), List.of(
                        new Arg("parameter", "block", null, null, null, MULTIPLE, List.of(
                                new Arg("parameter", "string", null, null, null, 0, List.of())))), List.of())),
                Map.entry("config|set", new Doc("Set configuration parameters to the given values", "2.0.0", "server", "O(N) when N is the number of configuration parameters provided", List.of(List.of("7.0.0", "Added the ability to set multiple parameters in one call.")), List.of(
                        new Arg("parameter_value", "block", null, null, null, MULTIPLE, List.of(
                                new Arg("parameter", "string", null, null, null, 0, List.of()),
                                new Arg("value", "string", null, null, null, 0, List.of())))), List.of())),
                Map.entry("config|help", new Doc("Show helpful text about the different subcommands", "5.0.0", "server", "O(1)", List.of(), List.of(), List.of())))));
        put(m, "command", new Doc("Get array of Redis command details", "2.8.13", "server", "O(N) where N is the total number of Redis commands", List.of(), List.of(), List.of(
                Map.entry("command|count", new Doc("Get total number of Redis commands", "2.8.13", "server", "O(1)", List.of(), List.of(), List.of())),
                Map.entry("command|docs", new Doc("Get array of specific Redis command documentation", "7.0.0", "server", "O(N) where N is the number of commands to look up", List.of(), List.of(
                        new Arg("command-name", "string", null, null, null, OPTIONAL | MULTIPLE, List.of())), List.of())),
                Map.entry("command|info", new Doc("Get array of specific Redis command details, or all when no argument is given.", "2.8.13", "server", "O(N) where N is the number of commands to look up", List.of(List.of("7.0.0", "Allowed to be called with no argument to get info on all commands.")), List.of(
                        new Arg("command-name", "string", null, null, null, OPTIONAL | MULTIPLE, List.of())), List.of())),
                Map.entry("command|list", new Doc("Get an array of Redis command names", "7.0.0", "server", "O(N) where N is the total number of Redis commands", List.of(), List.of(), List.of())),
                Map.entry("command|help", new Doc("Show helpful text about the different subcommands", "5.0.0", "server", "O(1)", List.of(), List.of(), List.of())))));
        put(m, "info", new Doc("Get information and statistics about the server", "1.0.0", "server", "O(1)", List.of(List.of("7.0.0", "Added support for taking multiple section arguments.")), List.of(
                new Arg("section", "string", null, null, null, OPTIONAL | MULTIPLE, List.of())), List.of()));
        put(m, "subscribe", new Doc("Listen for messages published to the given channels", "2.0.0", "pubsub", "O(N) where N is the number of channels to subscribe to.", List.of(), List.of(
                new Arg("channel", "string", null, null, null, MULTIPLE, List.of())), List.of()));
        put(m, "psubscribe", new Doc("Listen for messages published to channels matching the given patterns", "2.0.0", "pubsub", "O(N) where N is the number of patterns the client is already subscribed to.", List.of(), List.of(
                new Arg("pattern", "block", null, null, null, MULTIPLE, List.of(
                        new Arg("pattern", "pattern", null, null, null, 0, List.of())))), List.of()));
        put(m, "unsubscribe", new Doc("Stop listening for messages posted to the given channels", "2.0.0", "pubsub", "O(N) where N is the number of clients already subscribed to a channel.", List.of(), List.of(
                new Arg("channel", "string", null, null, null, OPTIONAL | MULTIPLE, List.of())), List.of()));
        put(m, "punsubscribe", new Doc("Stop listening for messages posted to channels matching the given patterns", "2.0.0", "pubsub", "O(N+M) where N is the number of patterns the client is already subscribed and M is the number of total patterns subscribed in the system (by any client).", List.of(), List.of(
                new Arg("pattern", "pattern", null, null, null, OPTIONAL | MULTIPLE, List.of())), List.of()));
        put(m, "publish", new Doc("Post a message to a channel", "2.0.0", "pubsub", "O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of subscribed patterns (by any client).", List.of(), List.of(
                new Arg("channel", "string", null, null, null, 0, List.of()),
                new Arg("message", "string", null, null, null, 0, List.of())), List.of()));
        put(m, "pubsub", new Doc("A container for Pub/Sub commands", "2.8.0", "pubsub", "Depends on subcommand.", List.of(), List.of(), List.of(
                Map.entry("pubsub|channels", new Doc("List active channels", "2.8.0", "pubsub", "O(N) where N is the number of active channels, and assuming constant time pattern matching (relatively short channels and patterns)", List.of(), List.of(
                        new Arg("pattern", "pattern", null, null, null, OPTIONAL, List.of())), List.of())),
                Map.entry("pubsub|numsub", new Doc("Get the count of subscribers for channels", "2.8.0", "pubsub", "O(N) for the NUMSUB subcommand, where N is the number of requested channels", List.of(), List.of(
                        new Arg("channel", "string", null, null, null, OPTIONAL | MULTIPLE, List.of())), List.of())),
                Map.entry("pubsub|numpat", new Doc("Get the count of unique patterns pattern subscriptions", "2.8.0", "pubsub", "O(1)", List.of(), List.of(), List.of())),
                Map.entry("pubsub|help", new Doc("Show helpful text about the different subcommands", "6.2.0", "pubsub", "O(1)", List.of(), List.of(), List.of())))));
        put(m, "help", new Doc("List the commands, or describe one (tcpkit)", "1.0.0", "connection", "O(N) where N is the number of commands", List.of(), List.of(
                new Arg("command", "string", null, null, null, OPTIONAL, List.of())), List.of()));
        put(m, "login", new Doc("Log in (tcpkit; the same as AUTH username password)", "1.0.0", "connection", "O(1)", List.of(), List.of(
                new Arg("username", "string", null, null, null, 0, List.of()),
                new Arg("password", "string", null, null, null, 0, List.of())), List.of()));
        return Map.copyOf(m);
    }
}
