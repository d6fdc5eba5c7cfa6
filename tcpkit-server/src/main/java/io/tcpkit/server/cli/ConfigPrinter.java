package io.tcpkit.server.cli;

import io.tcpkit.server.BuildInfo;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code --print-config}: the options a command would run with, as a {@link ConfigFile} that
 * gives the same options back ({@code --config} on the output prints the same output). Each key
 * has its option's description as a comment; an option with no value is a commented-out key.
 */
final class ConfigPrinter {
    private static final int WIDTH = 100;

    private ConfigPrinter() {
    }

    static String render(CommandSpec command) {
        String name = command.qualifiedName();
        StringBuilder sb = new StringBuilder();
        sb.append("# Options of '").append(name).append("' (tcpkit ").append(BuildInfo.version())
                .append("), as printed by --print-config.\n");
        sb.append("# Use with: ").append(name).append(" --config FILE (the command line overrides the file).\n");
        sb.append("# One 'key = value' per line (Java properties: # starts a comment, \\ escapes); a key is the long\n");
        sb.append("# option without '--'. Durations: 500ms, 30s, 5m, 1h; lists: a,b,c.\n");
        for (Map.Entry<String, OptionSpec> entry : ConfigFile.keys(command).entrySet()) {
            OptionSpec option = entry.getValue();
            sb.append('\n');
            for (String line : wrap(builtInDescription(command, option))) {
                sb.append("# ").append(line).append('\n');
            }
            String value = text(option.getValue());
            if (value == null) {
                sb.append("# ").append(entry.getKey()).append(" =\n");
            } else {
                sb.append(entry.getKey()).append(" = ").append(escape(value)).append('\n');
            }
        }
        return sb.toString();
    }

    /**
     * The option's description with the built-in default: picocli fills in "(default: ...)" from
     * the default-value provider, which would be the file's value here.
     */
    private static String builtInDescription(CommandSpec command, OptionSpec option) {
        IDefaultValueProvider provider = command.defaultValueProvider();
        command.defaultValueProvider(null);
        try {
            return String.join(" ", option.description());
        } finally {
            command.defaultValueProvider(provider);
        }
    }

    /** A value as the option's converter reads it back. */
    static String text(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Duration d) {
            return duration(d);
        }
        if (value instanceof Enum<?> e) {
            return e.name().toLowerCase(Locale.ROOT);
        }
        if (value instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d)) {
            return Long.toString(d.longValue());
        }
        if (value instanceof Collection<?> c) {
            return c.stream().map(ConfigPrinter::text).collect(Collectors.joining(","));
        }
        return value.toString();
    }

    /** 1h, 5m, 30s, 500ms or 0, as written on the command line; ISO-8601 for what has no short form. */
    static String duration(Duration d) {
        if (d.isZero()) {
            return "0";
        }
        if (d.getNano() % 1_000_000 != 0) {
            return d.toString();
        }
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }

    /** Escapes what Properties.load would change: backslashes, leading blanks, line breaks. */
    static String escape(String value) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\f' -> sb.append("\\f");
                case ' ' -> sb.append(i == 0 ? "\\ " : " ");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    private static List<String> wrap(String text) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" +")) {
            if (!line.isEmpty() && line.length() + 1 + word.length() > WIDTH - 2) {
                lines.add(line.toString());
                line.setLength(0);
            }
            line.append(line.isEmpty() ? "" : " ").append(word);
        }
        if (!line.isEmpty()) {
            lines.add(line.toString());
        }
        return lines;
    }
}
