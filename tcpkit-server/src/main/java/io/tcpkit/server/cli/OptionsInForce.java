package io.tcpkit.server.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The options a command runs with, given or default (or from {@code --config}), for the startup
 * line and {@code /varz}; secrets hidden. ({@code --print-config} shows them unhidden, since its
 * output must give the same options back.)
 */
final class OptionsInForce {
    /** Options whose values are never shown. */
    static final java.util.Set<String> SECRET = java.util.Set.of("--admin-token");

    private OptionsInForce() {
    }

    static Map<String, String> of(CommandSpec spec) {
        Map<String, String> options = new LinkedHashMap<>();
        for (OptionSpec option : spec.options()) {
            if (option.usageHelp() || option.versionHelp() || option.longestName().equals(ConfigOptions.PRINT_CONFIG)) {
                continue; // --print-config is never true in a server that runs
            }
            Object value = option.getValue();
            if (value == null) {
                continue;
            }
            String name = option.longestName();
            options.put(name, SECRET.contains(name) ? "(hidden)"
                    : name.equals(HubOptions.HUB) ? HubOptions.redacted(text(value)) : text(value));
        }
        return options;
    }

    /** {@code --host=127.0.0.1 --idle-timeout=PT5M ...} */
    static String line(Map<String, String> options) {
        return options.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
    }

    private static String text(Object value) {
        if (value instanceof Collection<?> c) {
            return c.stream().map(String::valueOf).collect(Collectors.joining(","));
        }
        return String.valueOf(value);
    }
}
