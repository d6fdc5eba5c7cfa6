package io.tcpkit.server.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * On SIGHUP, the running command's options are read again (its command line, and so its config
 * file, as they are now): options that can change without a restart ({@link #RELOADABLE}) take
 * their new values, and the others that changed are named as waiting for the next start. The
 * command line still overrides the file. A file that no longer parses changes nothing.
 */
final class ConfigReload {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigReload.class);

    /**
     * Options applied on reload, by key. The rest are fixed when listeners start: addresses, ports,
     * limits and TLS settings live in the engine's listeners, and the users file's path in the
     * services. (The contents of the users file and of the TLS files reload by themselves.)
     */
    static final Map<String, Consumer<String>> RELOADABLE = Map.of("log-level", LogLevelConverter::apply);

    private final CommandSpec running;
    private Map<String, String> inForce;

    ConfigReload(CommandSpec running) {
        this.running = running;
        this.inForce = values(running);
    }

    /** Reads the options again if there is a config file; says what changed (null without a file). */
    synchronized String reload() {
        Path file = ConfigFile.file(running);
        if (file == null) {
            return null;
        }
        Map<String, String> now;
        try {
            ParseResult parsed = Main.commandLine().parseArgs(
                    running.root().commandLine().getParseResult().originalArgs().toArray(String[]::new));
            while (parsed.hasSubcommand()) {
                parsed = parsed.subcommand();
            }
            now = values(parsed.commandSpec());
        } catch (ParameterException e) {
            LOG.error("config file {} not reloaded, the options in force stay: {}", file, e.getMessage());
            return "config file " + file + ": failed, nothing changed";
        }
        List<String> applied = new ArrayList<>();
        List<String> waiting = new ArrayList<>();
        Map<String, String> next = new LinkedHashMap<>(inForce);
        now.forEach((key, value) -> {
            if (Objects.equals(value, inForce.get(key))) {
                return;
            }
            Consumer<String> apply = RELOADABLE.get(key);
            if (apply == null) {
                waiting.add(key);
            } else {
                apply.accept(value);
                applied.add(key + " " + value);
                next.put(key, value);
            }
        });
        inForce = next;
        if (!waiting.isEmpty()) {
            LOG.warn("config file {}: {} changed, which takes effect at the next start", file, String.join(", ", waiting));
        }
        List<String> what = new ArrayList<>(applied);
        if (!waiting.isEmpty()) {
            what.add(String.join(", ", waiting) + " at the next start");
        }
        return "config file " + file + " (" + (what.isEmpty() ? "unchanged" : String.join("; ", what)) + ")";
    }

    /** The command's options by key, written as --print-config writes them. */
    private static Map<String, String> values(CommandSpec command) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Map.Entry<String, OptionSpec> e : ConfigFile.keys(command).entrySet()) {
            values.put(e.getKey(), ConfigPrinter.text(e.getValue().getValue()));
        }
        return values;
    }
}
