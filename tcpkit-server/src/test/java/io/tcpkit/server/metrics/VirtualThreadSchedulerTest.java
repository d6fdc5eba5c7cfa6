package io.tcpkit.server.metrics;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class VirtualThreadSchedulerTest {

    /** On JDK 24 and later the scheduler's MXBean is read; on 21 to 23 it does not exist and nothing is registered (no skip either way). */
    @Test
    void readsTheSchedulerWhereTheJdkHasItsMXBean() throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        boolean registered = VirtualThreadScheduler.register(registry);
        if (Runtime.version().feature() < 24) {
            assertThat(registered).as("no MXBean before JDK 24").isFalse();
            assertThat(text(registry)).isEmpty();
            return;
        }
        assertThat(registered).isTrue();
        String text = text(registry);
        int parallelism = Runtime.getRuntime().availableProcessors(); // the scheduler's default
        assertThat(text).contains("\njvm_virtual_thread_scheduler_parallelism " + (double) parallelism + "\n",
                "\njvm_virtual_thread_scheduler_carrier_threads ", "\njvm_virtual_threads_mounted ",
                "\njvm_virtual_threads_queued ");
    }

    @Test
    void withoutTheMXBeanThereAreNoGaugesAndNoError() throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        assertThat(VirtualThreadScheduler.register(registry, "jdk.management.NoSuchSchedulerMXBean")).isFalse();
        assertThat(text(registry)).isEmpty();
    }

    private static String text(PrometheusRegistry registry) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }
}
