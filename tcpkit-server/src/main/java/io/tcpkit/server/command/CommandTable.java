package io.tcpkit.server.command;

import io.tcpkit.codec.RespReader;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The commands by name. Lookup compares the request's first argument in place, ignoring case,
 * against names of the same length: no allocation, so PING costs nothing but its reply.
 */
final class CommandTable {
    private final List<Command> commands;
    private final Command[][] byLength;
    private final byte[][][] namesByLength;

    CommandTable(List<Command> commands) {
        this.commands = commands.stream().sorted(Comparator.comparing(Command::name)).toList();
        int max = commands.stream().mapToInt(c -> c.name().length()).max().orElse(0);
        byLength = new Command[max + 1][];
        namesByLength = new byte[max + 1][][];
        for (int len = 0; len <= max; len++) {
            List<Command> same = new ArrayList<>();
            for (Command c : commands) {
                if (c.name().length() == len) {
                    same.add(c);
                }
            }
            byLength[len] = same.toArray(new Command[0]);
            namesByLength[len] = same.stream().map(Command::nameBytes).toArray(byte[][]::new);
        }
    }

    /** The command named by the request's first argument, or null. */
    Command lookup(RespReader request) {
        int len = request.length(0);
        if (len >= byLength.length) {
            return null;
        }
        byte[][] names = namesByLength[len];
        for (int i = 0; i < names.length; i++) {
            if (request.equalsIgnoreCase(0, names[i])) {
                return byLength[len][i];
            }
        }
        return null;
    }

    /** The command of that name, ignoring ASCII case only (as Redis), or null. */
    Command find(String name) {
        String upper = Ascii.upperCase(name); // as Command keeps its name
        for (Command c : commands) {
            if (c.name().equals(upper)) {
                return c;
            }
        }
        return null;
    }

    /** All commands, sorted by name. */
    List<Command> all() {
        return commands;
    }
}
