package io.tcpkit.server.cli;

/**
 * A command was used wrongly in a way picocli cannot see (options that go together, a file that
 * is not there): reported like picocli's own parameter errors, as one line naming the option, a
 * hint to {@code --help}, and exit status 2.
 */
final class UsageException extends RuntimeException {
    UsageException(String message) {
        super(message);
    }
}
