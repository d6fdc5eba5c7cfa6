package io.tcpkit.server.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * A command that runs listeners until it is stopped ({@code serve}, {@code echo}, {@code chat},
 * {@code command}): where to bind and the limits, TLS and the edge, {@code --config}. Subclasses
 * add their admin listener and services (picocli lists a superclass's options first, so the order
 * of {@code --print-config} stays that of the options as declared down the hierarchy).
 */
abstract class ServerCommand implements Callable<Integer> {
    @Mixin
    ServerOptions options;

    @Mixin
    EdgeOptions edge;

    @Mixin
    ConfigOptions config;

    @Spec
    CommandSpec spec;

    /** Runs the listeners of this command with its options and {@code admin}. */
    ServiceRunner runner(AdminOptions admin) {
        return new ServiceRunner(options, edge, admin, spec);
    }
}
