package io.tcpkit.server.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.tcpkit.server.BuildInfo;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;


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

    @Option(names = "--log-level", scope = ScopeType.INHERIT, paramLabel = "LEVEL",
            description = "error, warn, info (default), debug or trace. Logs go to stderr.")
    void logLevel(String level) {
        Level parsed = Level.toLevel(level, null);
        if (parsed == null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--log-level: '" + level + "' is not one of error, warn, info, debug, trace");
        }
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(parsed);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        Main main = new Main();
        CommandLine commandLine = new CommandLine(main).setCaseInsensitiveEnumValuesAllowed(true);
        // Log options apply once the whole command line is read, before the command runs.
        return commandLine.setExecutionStrategy(parsed -> {
            String problem = main.logOptions.apply();
            if (problem != null) {
                parsed.commandSpec().commandLine().getErr().println("tcpkit: " + problem);
                return 2;
            }
            return new CommandLine.RunLast().execute(parsed);
        });
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"tcpkit " + BuildInfo.version(),
                    "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }
}
