package io.tcpkit.server.cli;

import io.tcpkit.server.BuildInfo;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.PrintWriter;


/** The {@code tcpkit} program: {@code serve}, one service at a time, and {@code connect}. */
@Command(name = "tcpkit",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "A TCP server toolkit: echo, chat and a Redis-protocol command service, "
                + "one virtual thread per connection.",
        subcommands = {ServeCommand.class, EchoCommand.class, ChatCommand.class, CommandCommand.class, ConnectCommand.class,
                PasswdCommand.class, BenchCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @Spec
    CommandSpec spec;

    @Mixin
    LogOptions logOptions;

    @Option(names = "--log-level", scope = ScopeType.INHERIT, paramLabel = "LEVEL", defaultValue = "info",
            converter = LogLevelConverter.class,
            description = "error, warn, info, debug or trace (default: ${DEFAULT-VALUE}). Logs go to stderr.")
    String logLevel;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a command is required");
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        Main main = new Main();
        CommandLine commandLine = new CommandLine(main).setCaseInsensitiveEnumValuesAllowed(true);
        ConfigFile config = new ConfigFile(commandLine);
        commandLine.setDefaultValueProvider(config);
        commandLine.setParameterExceptionHandler((e, args) -> usageError(e.getCommandLine(), e, config));
        commandLine.setExecutionExceptionHandler((e, command, parsed) -> {
            if (e instanceof UsageException) {
                return usageError(command, e, config);
            }
            throw e;
        });
        commandLine.setExecutionStrategy(parseResult -> {
            LogLevelConverter.apply(main.logLevel);
            ParseResult last = parseResult;
            while (last.hasSubcommand()) {
                last = last.subcommand();
            }
            config.check(last.commandSpec());
            if (last.hasMatchedOption(ConfigOptions.PRINT_CONFIG) && !last.isUsageHelpRequested()
                    && !last.isVersionHelpRequested()) {
                PrintWriter out = last.commandSpec().commandLine().getOut();
                out.print(ConfigPrinter.render(last.commandSpec()));
                out.flush();
                return 0;
            }
            // The log format and file apply once the whole command line (and file) is read, before the command runs.
            String problem = main.logOptions.apply();
            if (problem != null) {
                throw new ParameterException(last.commandSpec().commandLine(), problem);
            }
            return new CommandLine.RunLast().execute(parseResult);
        });
        return commandLine;
    }

    /**
     * The error in one line (with the config file's name when the value came from there),
     * picocli's suggestions for a misspelt option, and where to read more; not the whole usage,
     * which would scroll the error away.
     */
    private static int usageError(CommandLine command, Exception e, ConfigFile config) {
        boolean fromFile = e instanceof ParameterException p && config.supplied(p.getArgSpec());
        if (fromFile) {
            command = config.loadedFor().commandLine(); // an inherited option's error is the subcommand's file's
        }
        PrintWriter err = command.getErr();
        String name = command.getCommandSpec().qualifiedName();
        err.println(name + ": " + e.getMessage() + (fromFile ? " (in " + config.loadedFrom() + ")" : ""));
        if (e instanceof ParameterException p) {
            UnmatchedArgumentException.printSuggestions(p, err);
        }
        err.println("Try '" + name + " --help' for more information.");
        err.flush();
        return command.getCommandSpec().exitCodeOnInvalidInput();
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"tcpkit " + BuildInfo.version(),
                    "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }
}
