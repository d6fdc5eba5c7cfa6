package io.tcpkit.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The file of {@code --config FILE}: Java properties, {@code key = value} per line and {@code #}
 * comments, where a key is a long option without its dashes ({@code max-connections = 500}).
 *
 * <p>It is picocli's default-value provider: picocli asks it for the value of every option that
 * the command line did not give, so the command line overrides the file, values go through the
 * same converters and checks as typed ones, and an option added to any mixin has a key without
 * being listed here. Options inherited from the top-level command ({@code --log-level}) are asked
 * for on the top-level command once the subcommand has been parsed; their keys are in the
 * subcommand's file too. A key that is no option of the command is an error that names it, so a
 * typo is never silently ignored. Values are taken literally (no {@code ${...}} expansion).
 */
final class ConfigFile implements IDefaultValueProvider {
    private final CommandLine root;
    private Path loadedFrom;
    private CommandSpec loadedFor;
    private Map<String, String> values;
    /** The option last given a value from the file: a value it refuses is reported with the file's name. */
    private OptionSpec lastSupplied;

    ConfigFile(CommandLine root) {
        this.root = root;
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option) || !configurable(option)) {
            return null;
        }
        CommandSpec command = commandOf(option);
        Path file = command == null ? null : file(command);
        if (file == null) {
            return null;
        }
        String value = load(command, file).get(key(option));
        if (value == null) {
            return null;
        }
        lastSupplied = option;
        // picocli expands ${...} and turns $$ into $ in provided values; doubling every $ keeps them literal.
        return value.replace("$", "$$");
    }

    /** The file named by {@code --config} on {@code command}, or null. */
    static Path file(CommandSpec command) {
        OptionSpec config = command.findOption(ConfigOptions.CONFIG);
        return config == null ? null : config.getValue();
    }

    /** Whether a refused value came from the file (rather than the command line or a default). */
    boolean supplied(ArgSpec refused) {
        return refused != null && refused == lastSupplied;
    }

    Path loadedFrom() {
        return loadedFrom;
    }

    /** The command whose file was read (to report its errors as that command's, even for inherited options). */
    CommandSpec loadedFor() {
        return loadedFor;
    }

    /** Reads the file of {@code command} now, if it has one, so that its keys are checked even when no default was asked. */
    void check(CommandSpec command) {
        Path file = file(command);
        if (file != null) {
            load(command, file);
        }
    }

    /** The command whose file holds the option's key: its own, or for an inherited option the subcommand that ran. */
    private CommandSpec commandOf(OptionSpec option) {
        CommandSpec command = option.command();
        if (command == root.getCommandSpec() && option.scopeType() == ScopeType.INHERIT) {
            ParseResult parsed = root.getParseResult();
            command = parsed != null && parsed.hasSubcommand() ? parsed.subcommand().commandSpec() : null;
        }
        return command;
    }

    private Map<String, String> load(CommandSpec command, Path file) {
        if (file.equals(loadedFrom)) {
            return values;
        }
        CommandLine commandLine = command.commandLine();
        try {
            InputFiles.check(ConfigOptions.CONFIG, file);
        } catch (UsageException e) {
            throw new ParameterException(commandLine, e.getMessage());
        }
        Set<String> duplicates = new LinkedHashSet<>();
        Properties properties = new Properties() {
            @Override
            public synchronized Object put(Object key, Object value) {
                if (containsKey(key)) {
                    duplicates.add((String) key);
                }
                return super.put(key, value);
            }
        };
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(in);
        } catch (IOException | IllegalArgumentException e) {
            throw new ParameterException(commandLine, ConfigOptions.CONFIG + " " + file + ": cannot be read: "
                    + (e instanceof IOException io ? InputFiles.describe(io) : e.getMessage()));
        }
        if (!duplicates.isEmpty()) {
            throw new ParameterException(commandLine, file + ": " + quoted(duplicates) + " given more than once");
        }
        Set<String> known = keys(command).keySet();
        List<String> unknown = properties.stringPropertyNames().stream().filter(k -> !known.contains(k)).sorted().toList();
        if (!unknown.isEmpty()) {
            throw new ParameterException(commandLine, file + ": no option " + quoted(unknown) + " in '"
                    + command.qualifiedName() + "' (a key is a long option without '--'; see --print-config)");
        }
        Map<String, String> read = new LinkedHashMap<>();
        properties.stringPropertyNames().forEach(k -> read.put(k, properties.getProperty(k).stripTrailing()));
        values = read;
        loadedFrom = file;
        loadedFor = command;
        return values;
    }

    private static String quoted(java.util.Collection<String> keys) {
        return keys.stream().map(k -> "'" + k + "'").collect(Collectors.joining(", "));
    }

    /** The options of {@code command} that a file may set, by key, in the command's order. */
    static Map<String, OptionSpec> keys(CommandSpec command) {
        Map<String, OptionSpec> keys = new LinkedHashMap<>();
        for (OptionSpec option : command.options()) {
            if (configurable(option)) {
                keys.put(key(option), option);
            }
        }
        return keys;
    }

    private static boolean configurable(OptionSpec option) {
        String name = option.longestName();
        return !option.usageHelp() && !option.versionHelp() && !option.hidden() && name.startsWith("--")
                && !name.equals(ConfigOptions.CONFIG) && !name.equals(ConfigOptions.PRINT_CONFIG);
    }

    static String key(OptionSpec option) {
        return option.longestName().substring(2);
    }
}
