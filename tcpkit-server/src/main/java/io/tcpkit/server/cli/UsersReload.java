package io.tcpkit.server.cli;

import io.tcpkit.server.auth.Authenticator;
import io.tcpkit.server.auth.Users;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Reloads the users file into the {@link Authenticator}, on SIGHUP and when the file changes
 * (checked every {@link #CHECK_PERIOD_MILLIS}, by time and size, as the TLS files are), so that a
 * user added with {@code tcpkit passwd} can log in without a restart. A file that cannot be read
 * (half-written, a typo) is reported once and the previous users stay. Logged-in sessions keep
 * the user they logged in as.
 */
final class UsersReload implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UsersReload.class);
    /** How often the file is checked for a change: as often as the TLS files. */
    static final long CHECK_PERIOD_MILLIS = 2000;

    private final Authenticator authenticator;
    private final Path file;
    private List<Long> loadedStamps;
    /** The stamps of a version that failed to load, so that it is reported once, not every period. */
    private List<Long> failedStamps;
    private ScheduledExecutorService watcher;

    UsersReload(Authenticator authenticator, Path file) {
        this.authenticator = authenticator;
        this.file = file;
        this.loadedStamps = stamps();
    }

    /** Reads the file now; says what happened, for the log line of whoever asked. */
    synchronized String reload() {
        List<Long> stamps = stamps();
        try {
            Users users = Users.load(file);
            authenticator.users(users);
            loadedStamps = stamps;
            failedStamps = null;
            int n = users.all().size();
            return "users file " + file + " (" + n + (n == 1 ? " user)" : " users)");
        } catch (IOException e) {
            failedStamps = stamps;
            LOG.error("users file {} not reloaded, the previous users stay: {}", file, InputFiles.describe(e));
            return "users file " + file + ": failed, the previous users stay";
        }
    }

    /** Starts checking the file for changes. */
    synchronized void watch() {
        watcher = Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().daemon().name("tcpkit-users-watch").unstarted(r));
        watcher.scheduleWithFixedDelay(this::checkForChange, CHECK_PERIOD_MILLIS, CHECK_PERIOD_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    private synchronized void checkForChange() {
        List<Long> now = stamps();
        if (!now.equals(loadedStamps) && !now.equals(failedStamps)) {
            String what = reload();
            if (failedStamps == null) {
                LOG.info("reloaded {} after it changed", what);
            }
        }
    }

    private List<Long> stamps() {
        try {
            return List.of(Files.getLastModifiedTime(file).toMillis(), Files.size(file));
        } catch (IOException e) {
            return List.of(-1L, -1L);
        }
    }

    @Override
    public synchronized void close() {
        if (watcher != null) {
            watcher.shutdownNow();
        }
    }
}
