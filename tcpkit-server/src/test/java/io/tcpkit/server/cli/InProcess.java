package io.tcpkit.server.cli;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * The program's command line run in this JVM, for what ends before anything is started (usage
 * errors, {@code --print-config}): much cheaper than a child process.
 */
final class InProcess {
    /** What {@code tcpkit ARGS} printed on stderr and stdout, and its exit status. */
    record Run(int status, String err, String out) {
    }

    private InProcess() {
    }

    static Run tcpkit(String... args) {
        CommandLine commandLine = Main.commandLine();
        StringWriter err = new StringWriter();
        StringWriter out = new StringWriter();
        commandLine.setErr(new PrintWriter(err, true));
        commandLine.setOut(new PrintWriter(out, true));
        int status = commandLine.execute(args);
        return new Run(status, err.toString(), out.toString());
    }

    static String hint(String command) {
        return "Try '" + command + " --help' for more information.\n";
    }
}
