package io.tcpkit.server.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Files named by options, checked before anything starts so that a missing one is reported in
 * plain words with the option that named it, rather than as a bare path from deep in a loader.
 */
final class InputFiles {
    private InputFiles() {
    }

    /** Throws a {@link UsageException} unless {@code file} (given with {@code option}) is a readable file. */
    static void check(String option, Path file) {
        if (file == null) {
            return;
        }
        if (!Files.exists(file)) {
            throw new UsageException(option + " " + file + ": no such file");
        }
        if (Files.isDirectory(file)) {
            throw new UsageException(option + " " + file + ": is a folder, not a file");
        }
        if (!Files.isReadable(file)) {
            throw new UsageException(option + " " + file + ": cannot be read (permission denied)");
        }
    }

    /** An I/O error in words: the JDK's message for a missing file is the bare path. */
    static String describe(IOException e) {
        if (e instanceof NoSuchFileException missing) {
            return missing.getFile() + ": no such file";
        }
        if (e instanceof AccessDeniedException denied) {
            return denied.getFile() + ": cannot be read (permission denied)";
        }
        return e.getMessage();
    }
}
